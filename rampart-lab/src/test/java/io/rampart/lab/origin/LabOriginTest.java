package io.rampart.lab.origin;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.lab.Kind;
import io.rampart.lab.MiniHttp;
import io.rampart.lab.MiniHttp.Response;
import io.rampart.lab.RunClock;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class LabOriginTest {
    /** Two workers, three queue places, searches cost 200 ms: capacity 10 searches/s. */
    private static final OriginCapacity TINY = new OriginCapacity(2, 3, Duration.ofMillis(900), 64, Duration.ofSeconds(5),
            Duration.ofMillis(20), Duration.ofMillis(200), Duration.ofMillis(50), Duration.ofMillis(5), Duration.ofMillis(250));

    private final RunClock clock = RunClock.system();
    private LabOrigin origin;

    @AfterEach
    void stop() {
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void beyondWorkersAndQueueTheOriginShedsWith503AndCountsTheSecondOverCapacity() throws Exception {
        origin = new LabOrigin(new InetSocketAddress("127.0.0.1", 0), TINY, clock, 10);
        List<CompletableFuture<Response>> calls = new ArrayList<>();
        java.util.concurrent.ExecutorService threads = java.util.concurrent.Executors.newFixedThreadPool(8);
        java.util.concurrent.CountDownLatch ready = new java.util.concurrent.CountDownLatch(8);
        for (int i = 0; i < 8; i++) {
            calls.add(CompletableFuture.supplyAsync(() -> {
                ready.countDown();
                try {
                    ready.await();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                return get("/search?q=x", "flooder");
            }, threads));
        }
        threads.shutdown();
        int ok = 0;
        int shed = 0;
        for (CompletableFuture<Response> c : calls) {
            Response r = c.get();
            if (r.status() == 200) {
                ok++;
            } else {
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.header("x-lab-shed")).isEqualTo("1");
                shed++;
            }
        }
        assertThat(ok).isEqualTo(5);
        assertThat(shed).isEqualTo(3);
        assertThat(origin.stats().arrivals().total(Kind.FLOODER)).isEqualTo(8);
        assertThat(origin.stats().overCapacitySeconds(0, 10)).isGreaterThanOrEqualTo(1);
    }

    @Test
    void withinCapacityNothingIsShedAndNoSecondIsOverCapacity() throws Exception {
        origin = new LabOrigin(new InetSocketAddress("127.0.0.1", 0), TINY, clock, 10);
        for (int i = 0; i < 5; i++) {
            assertThat(get("/search?q=" + i, "api").status()).isEqualTo(200);
        }
        assertThat(origin.stats().arrivals().total(Kind.API)).isEqualTo(5);
        assertThat(origin.stats().overCapacitySeconds(0, 10)).isZero();
    }

    @Test
    void logInSetsASessionThatTheAppPagesRequire() throws Exception {
        origin = new LabOrigin(new InetSocketAddress("127.0.0.1", 0), TINY, clock, 10);
        Response login = MiniHttp.exchange(origin.address(), "POST /login HTTP/1.1\r\nHost: t\r\nContent-Type: application/x-www-form-urlencoded\r\n"
                + "Content-Length: 17\r\nConnection: close\r\n\r\nuser=a&password=b");
        assertThat(login.status()).isEqualTo(303);
        assertThat(login.header("location")).isEqualTo("/account");
        // the last Set-Cookie: the signed user token the site gives Rampart (USER.EXPIRY.HMAC), beside its session
        assertThat(login.header("set-cookie")).matches("rampart_user=s[0-9a-f]+\\.\\d+\\.[0-9a-f]{64}; Path=/; HttpOnly");
        String user = login.header("set-cookie").substring("rampart_user=".length(), login.header("set-cookie").indexOf('.'));
        assertThat(get("/account", "staff").status()).isEqualTo(302);
        Response account = MiniHttp.exchange(origin.address(), "GET /account HTTP/1.1\r\nHost: t\r\nCookie: sid=" + user
                + "\r\nConnection: close\r\n\r\n");
        assertThat(account.status()).isEqualTo(200);
    }

    @Test
    void pagesLinkTheirAssetsAndEveryPathAnswers() throws Exception {
        origin = new LabOrigin(new InetSocketAddress("127.0.0.1", 0), TINY, clock, 10);
        Response page = get("/article/3", "visitor");
        assertThat(page.status()).isEqualTo(200);
        assertThat(page.header("cache-control")).isEqualTo("public, max-age=5");
        for (String asset : SiteContent.ASSETS) {
            assertThat(page.body()).contains("\"" + asset + "\"");
            assertThat(get(asset, "visitor").status()).isEqualTo(200);
        }
        assertThat(get("/feed.xml", "feed").body()).startsWith("<?xml");
        assertThat(get("/api/v1/items", "api").header("content-type")).isEqualTo("application/json");
        assertThat(get("/download/report.pdf", "visitor").body()).hasSize(1024 * 1024);
        assertThat(get("/nothing-here", "visitor").status()).isEqualTo(404);
        assertThat(origin.stats().unmarkedTotal()).isZero();
    }

    @Test
    void garbageIsAnswered400AndTheOriginKeepsServing() throws Exception {
        origin = new LabOrigin(new InetSocketAddress("127.0.0.1", 0), TINY, clock, 10);
        Response r = MiniHttp.exchange(origin.address(), "\u0001\u0002 nonsense\r\n\r\n");
        assertThat(r == null || r.status() == 400).isTrue();
        assertThat(get("/static/logo.svg", null).status()).isEqualTo(200);
        assertThat(origin.stats().unmarkedTotal()).as("the garbage and the unmarked GET").isEqualTo(2);
    }

    private Response get(String path, String kind) {
        try {
            return MiniHttp.exchange(origin.address(), "GET " + path + " HTTP/1.1\r\nHost: t\r\n"
                    + (kind == null ? "" : Kind.HEADER + ": " + kind + "\r\n") + "Connection: close\r\n\r\n");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

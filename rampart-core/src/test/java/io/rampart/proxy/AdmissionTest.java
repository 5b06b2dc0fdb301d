package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.RawHttp.Response;
import io.rampart.testing.TestOrigin;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Adaptive admission over real sockets, with the limit pinned (min = max) so the lanes can be seen. */
@ExtendWith(LeakWatcher.class)
class AdmissionTest {
    private final TestOrigin origin = new TestOrigin();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
        origin.close();
    }

    private GatewayFixture gateway(int limit, double knownReserve, int queueSize, String queueTimeout) throws Exception {
        return GatewayFixture.simple(origin.url(), """
                knownUsers: {tokenCookie: site_user, tokenSecret: the site's shared token secret}
                admission:
                  initialLimit: %d
                  minLimit: %d
                  maxLimit: %d
                  knownReserve: %s
                  queueSize: %d
                  queueTimeout: %s
                """.formatted(limit, limit, limit, knownReserve, queueSize, queueTimeout));
    }

    private CompletableFuture<Response> async(int port, String source, String path, String cookie) {
        return async(port, source, path, cookie, null);
    }

    private CompletableFuture<Response> async(int port, String source, String path, String cookie, String accept) {
        return CompletableFuture.supplyAsync(() -> {
            try (RawHttp c = new RawHttp(source, port)) {
                c.send("GET " + path + " HTTP/1.1\r\nHost: a\r\n" + (cookie == null ? "" : "Cookie: " + cookie + "\r\n")
                        + (accept == null ? "" : "Accept: " + accept + "\r\n") + "\r\n");
                return c.read();
            } catch (Exception e) {
                throw new RuntimeException(e);
            }
        }, pool);
    }

    // Distinct addresses per request below: identical GETs would be coalesced by the shield (ShieldTest).

    @Test
    void origin_neverSeesMoreThanTheUnknownShare_andQueuedRequestsAreServedAsSlotsFree() throws Exception {
        try (GatewayFixture gw = gateway(4, 0.25, 100, "5s")) {
            List<CompletableFuture<Response>> all = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                all.add(async(gw.port(), "127.0.20." + (i + 1), "/slow?ms=100&i=" + i, null));
            }
            for (CompletableFuture<Response> f : all) {
                assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            assertThat(origin.slowInFlightMax.get()).as("3 of 4 slots are open to unknown clients").isEqualTo(3);
        }
    }

    /** Found in the lab (issue 4): slow POSTs held every origin slot, and the mobile app starved behind them. */
    @Test
    void slowPostTricklingItsForm_holdsNoOriginSlot_soOthersAreServed() throws Exception {
        try (GatewayFixture gw = gateway(1, 0, 10, "1s");
             RawHttp slow = new RawHttp("127.0.22.1", gw.port())) {
            // the lab's slow POST: a 100 KB form announced, a few bytes sent
            slow.send("POST /echo HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nuser=a");
            Thread.sleep(200);
            for (int i = 0; i < 3; i++) {
                assertThat(async(gw.port(), "127.0.22." + (i + 2), "/echo?i=" + i, null).get(5, TimeUnit.SECONDS).status())
                        .as("request %d beside the slow form", i).isEqualTo(200);
            }
            assertThat(origin.requests.get()).as("the unfinished form never reached the origin").isEqualTo(3);
            slow.send("x".repeat(100_000 - 6));
            Response r = slow.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).contains("content-length: 100000");
            assertThat(origin.requests.get()).as("the form, once whole").isEqualTo(4);
        }
    }

    @Test
    void fullQueue_isAnswered503WithRetryAfterAndAPage_andTheQueuedRequestIsStillServed() throws Exception {
        try (GatewayFixture gw = gateway(2, 0, 1, "5s")) {
            CompletableFuture<Response> a = async(gw.port(), "127.0.21.1", "/slow?ms=600&a", null);
            CompletableFuture<Response> b = async(gw.port(), "127.0.21.2", "/slow?ms=600&b", null);
            Awaitility.await().atMost(java.time.Duration.ofSeconds(3)).until(() -> origin.slowInFlight.get() == 2);
            CompletableFuture<Response> queued = async(gw.port(), "127.0.21.3", "/slow?ms=10", null);
            Awaitility.await().atMost(java.time.Duration.ofSeconds(3)).until(() ->
                    gw.gateway.metrics().scrape().contains("rampart_admission_queued{site=\"test\"} 1.0"));
            try (RawHttp late = new RawHttp("127.0.21.4", gw.port())) {
                Response r = late.get("a", "/slow?ms=10&late");
                assertThat(r.status()).isEqualTo(503);
                assertThat(r.header("retry-after")).isEqualTo("1");
                assertThat(r.text()).contains("Service busy", r.header("x-rampart-ref"));
            }
            assertThat(queued.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(a.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(b.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(gw.gateway.metrics().scrape()).contains("rampart_admission_rejected_total{lane=\"unknown\",site=\"test\"} 1.0");
        }
    }

    /** Issue 17: pages without the assets a browser fetches put a client in the suspect lane; a browser's habits keep it out. */
    @Test
    void aClientOpeningPagesWithoutAssets_getsTheSuspectShareOfTheOrigin_aBrowserTheUnknownShare() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), """
                admission: {initialLimit: 4, minLimit: 4, maxLimit: 4, knownReserve: 0, suspectShare: 0.25, queueSize: 50, queueTimeout: 5s}
                limits: {perClient: {rate: 100, burst: 100}}
                """)) {
            String html = "text/html,application/xhtml+xml,*/*;q=0.8";
            try (RawHttp bot = new RawHttp("127.0.24.1", gw.port()); RawHttp person = new RawHttp("127.0.24.2", gw.port())) {
                for (int i = 0; i < 2; i++) {
                    bot.send("GET /echo?bot=" + i + " HTTP/1.1\r\nHost: a\r\nAccept: " + html + "\r\n\r\n");
                    assertThat(bot.read().status()).isEqualTo(200);
                }
                person.send("GET /echo?page HTTP/1.1\r\nHost: a\r\nAccept: " + html + "\r\n\r\n");
                assertThat(person.read().status()).isEqualTo(200);
                person.send("GET /static/site.css HTTP/1.1\r\nHost: a\r\nAccept: text/css\r\n\r\n");
                person.read();
            }
            List<CompletableFuture<Response>> bots = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                bots.add(async(gw.port(), "127.0.24.1", "/slow?ms=400&bot=" + i, null, html));
            }
            for (CompletableFuture<Response> f : bots) {
                assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            assertThat(origin.slowInFlightMax.get()).as("the automated-looking client: a quarter of the origin").isEqualTo(1);
            origin.slowInFlightMax.set(0);
            List<CompletableFuture<Response>> pages = new ArrayList<>();
            for (int i = 0; i < 4; i++) {
                pages.add(async(gw.port(), "127.0.24.2", "/slow?ms=400&page=" + i, null, html));
            }
            for (CompletableFuture<Response> f : pages) {
                assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
            assertThat(origin.slowInFlightMax.get()).as("the browser: every slot").isEqualTo(4);
        }
    }

    /** Found in the lab (issue 17): at a cold start the flood queued before the site's protection widened still reached the origin for seconds. */
    @Test
    void requestQueued_whenTheSiteIsSwitchedUnderAttack_isChallengedAtItsSlot_andNeverReachesTheOrigin() throws Exception {
        try (GatewayFixture gw = gateway(1, 0, 10, "5s")) {
            CompletableFuture<Response> holder = async(gw.port(), "127.0.23.1", "/slow?ms=800", null);
            Awaitility.await().atMost(java.time.Duration.ofSeconds(3)).until(() -> origin.slowInFlight.get() == 1);
            CompletableFuture<Response> queued = async(gw.port(), "127.0.23.2", "/slow?ms=1&queued", null);
            Awaitility.await().atMost(java.time.Duration.ofSeconds(3)).until(() ->
                    gw.gateway.metrics().scrape().contains("rampart_admission_queued{site=\"test\"} 1.0"));
            assertThat(gw.gateway.underAttack("test", true)).isTrue();
            Response r = queued.get(5, TimeUnit.SECONDS);
            assertThat(r.header("x-rampart-challenge")).as("challenged when its slot came").isNotNull();
            assertThat(holder.get(5, TimeUnit.SECONDS).status()).as("the request already at the origin finishes").isEqualTo(200);
            assertThat(origin.requests.get()).as("only the one sent before the switch").isEqualTo(1);
        }
    }

    @Test
    void requestThatWaitsTooLong_isAnswered503_andTheOriginNeverSeesIt() throws Exception {
        try (GatewayFixture gw = gateway(1, 0, 10, "200ms")) {
            CompletableFuture<Response> holder = async(gw.port(), "127.0.22.1", "/slow?ms=1500", null);
            Awaitility.await().atMost(java.time.Duration.ofSeconds(3)).until(() -> origin.slowInFlight.get() == 1);
            long start = System.nanoTime();
            try (RawHttp c = new RawHttp("127.0.22.2", gw.port())) {
                assertThat(c.get("a", "/slow?ms=1").status()).isEqualTo(503);
                assertThat(c.get("a", "/slow?ms=1").status()).as("the connection stays usable").isEqualTo(503);
            }
            long waitedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(waitedMs).isBetween(350L, 1400L);
            assertThat(holder.get(5, TimeUnit.SECONDS).status()).isEqualTo(200);
            assertThat(origin.slowInFlightMax.get()).isEqualTo(1);
        }
    }

    @Test
    void knownUser_isServedFromTheReservedShare_whileUnknownClientsWait() throws Exception {
        try (GatewayFixture gw = gateway(4, 0.25, 100, "5s")) {
            List<CompletableFuture<Response>> unknown = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                unknown.add(async(gw.port(), "127.0.23." + (i + 1), "/slow?ms=1000&i=" + i, null));
            }
            Awaitility.await().atMost(java.time.Duration.ofSeconds(3)).until(() -> origin.slowInFlight.get() == 3);
            long start = System.nanoTime();
            String token = new io.rampart.challenge.UserTokens("the site's shared token secret", System::currentTimeMillis)
                    .mint("ada", System.currentTimeMillis() / 1000 + 3600);
            Response known = async(gw.port(), "127.0.24.1", "/slow?ms=10", "site_user=" + token).get(5, TimeUnit.SECONDS);
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(known.status()).isEqualTo(200);
            assertThat(ms).as("no wait behind the three queued unknown requests (each needs 1 s)").isLessThan(500);
            for (CompletableFuture<Response> f : unknown) {
                assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
            }
        }
    }
}

package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.RawHttp.Response;
import io.rampart.testing.TestOrigin;
import java.time.Duration;
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

/** The origin shield over real sockets: what it stores, what it refuses to, coalescing, stale copies, snapshots. */
@ExtendWith(LeakWatcher.class)
class ShieldTest {
    private static final String CACHEABLE = "/cached?cc=public,max-age%3D60";
    private final TestOrigin origin = new TestOrigin();
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        origin.close();
    }

    private static Response get(RawHttp c, String path, String extraHeaders) throws Exception {
        c.send("GET " + path + " HTTP/1.1\r\nHost: www.example.org\r\n" + extraHeaders + "\r\n");
        return c.read();
    }

    @Test
    void cacheablePage_isServedFromTheShield_withItsAge() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), "");
             RawHttp c = new RawHttp(gw.port())) {
            Response first = get(c, CACHEABLE, "");
            assertThat(first.text()).startsWith("n=1");
            Response second = get(c, CACHEABLE, "");
            assertThat(second.status()).isEqualTo(200);
            assertThat(second.text()).isEqualTo(first.text());
            assertThat(second.header("x-rampart-cache")).isEqualTo("hit");
            assertThat(second.header("age")).isEqualTo("0");
            assertThat(second.header("cache-control")).isEqualTo("public,max-age=60");
            assertThat(second.header("x-rampart-ref")).isNotEqualTo(first.header("x-rampart-ref"));
            c.send("HEAD " + CACHEABLE + " HTTP/1.1\r\nHost: www.example.org\r\n\r\n");
            Response head = c.read(true);
            assertThat(head.header("x-rampart-cache")).isEqualTo("hit");
            assertThat(head.header("content-length")).isEqualTo(Integer.toString(first.body().length));
            assertThat(get(c, CACHEABLE, "").status()).as("the connection is still in step after HEAD").isEqualTo(200);
            assertThat(origin.cachedHits.get()).isEqualTo(1);
            assertThat(gw.gateway.metrics().counterValue("rampart.shield.requests", "result", "hit")).isEqualTo(3);
        }
    }

    @Test
    void trackingParams_shareTheCopy_butRealParamsDoNot() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), "");
             RawHttp c = new RawHttp(gw.port())) {
            get(c, CACHEABLE, "");
            assertThat(get(c, CACHEABLE + "&utm_source=newsletter&fbclid=abc", "").header("x-rampart-cache")).isEqualTo("hit");
            assertThat(get(c, CACHEABLE + "&page=2", "").header("x-rampart-cache")).isNull();
            assertThat(get(c, CACHEABLE + "&x7Gq2LpA9z", "").header("x-rampart-cache"))
                    .as("random-looking params only count as busters under pressure").isNull();
            assertThat(origin.cachedHits.get()).isEqualTo(3);
        }
    }

    @Test
    void cacheBusters_areIgnored_whenConfiguredAlways() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), "shield: {randomParams: always}\n");
             RawHttp c = new RawHttp(gw.port())) {
            get(c, CACHEABLE, "");
            for (String buster : new String[] {"x7Gq2LpA9z", "Qw8eR4tY2u", "cb=5f3a9c1e7b2d"}) {
                assertThat(get(c, CACHEABLE + "&" + buster, "").header("x-rampart-cache")).isEqualTo("hit");
            }
            assertThat(origin.cachedHits.get()).isEqualTo(1);
        }
    }

    @Test
    void privateUncacheableCookiedOrPersonalRequests_alwaysReachTheOrigin() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), "");
             RawHttp c = new RawHttp(gw.port())) {
            String[][] cases = {
                    {"/cached?cc=private,max-age%3D60", ""},
                    {"/cached?cc=no-store", ""},
                    {"/cached?cc=max-age%3D60&cookie=1", ""},
                    {"/cached?cc=max-age%3D60&vary=*", ""},
                    {CACHEABLE + "&personal", "Cookie: session=abc\r\n"},
                    {CACHEABLE + "&auth", "Authorization: Basic dTpw\r\n"},
            };
            for (String[] k : cases) {
                get(c, k[0], k[1]);
                Response again = get(c, k[0], k[1]);
                assertThat(again.header("x-rampart-cache")).as(k[0] + " " + k[1]).isNull();
            }
            assertThat(origin.cachedHits.get()).isEqualTo(cases.length * 2);
        }
    }

    @Test
    void vary_keepsOneCopyPerVariant() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), "");
             RawHttp c = new RawHttp(gw.port())) {
            String page = CACHEABLE + "&vary=Accept-Language";
            assertThat(get(c, page, "Accept-Language: fr\r\n").text()).contains("lang=fr");
            assertThat(get(c, page, "Accept-Language: de\r\n").text()).contains("lang=de");
            Response fr = get(c, page, "Accept-Language: fr\r\n");
            assertThat(fr.header("x-rampart-cache")).isEqualTo("hit");
            assertThat(fr.text()).contains("lang=fr");
            assertThat(get(c, page, "Accept-Language: de\r\n").text()).contains("lang=de");
            assertThat(origin.cachedHits.get()).isEqualTo(2);
        }
    }

    @Test
    void aThousandIdenticalRequestsAtOnce_costOneOriginFetch() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), "limits: {perPrefix: {rate: 100000, burst: 100000}}\n")) {
            List<CompletableFuture<Response>> all = new ArrayList<>();
            for (int i = 0; i < 200; i++) {
                String source = "127.0." + (30 + i / 200) + "." + (1 + i % 200);
                all.add(CompletableFuture.supplyAsync(() -> {
                    try (RawHttp c = new RawHttp(source, gw.port())) {
                        return get(c, "/cached?cc=max-age%3D60&ms=500", "");
                    } catch (Exception e) {
                        throw new RuntimeException(e);
                    }
                }, pool));
            }
            for (CompletableFuture<Response> f : all) {
                Response r = f.get(20, TimeUnit.SECONDS);
                assertThat(r.status()).isEqualTo(200);
                assertThat(r.text()).startsWith("n=1 ");
            }
            assertThat(origin.cachedHits.get()).isEqualTo(1);
            assertThat(gw.gateway.metrics().counterValue("rampart.shield.requests", "result", "coalesced")).isPositive();
        }
    }

    @Test
    void stalePage_isServedAtOnce_whileOneBackgroundFetchRefreshesIt() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), "");
             RawHttp c = new RawHttp(gw.port())) {
            String page = "/cached?cc=max-age%3D1,stale-while-revalidate%3D30";
            assertThat(get(c, page, "").text()).startsWith("n=1");
            Thread.sleep(1100);
            Response stale = get(c, page, "");
            assertThat(stale.header("x-rampart-cache")).isEqualTo("stale");
            assertThat(stale.text()).startsWith("n=1");
            Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> origin.cachedHits.get() == 2);
            Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> get(c, page, "").text().startsWith("n=2"));
        }
    }

    @Test
    void failingOrigin_isCoveredByAStaleCopy_whenTheOriginAllowsIt() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), "");
             RawHttp c = new RawHttp(gw.port())) {
            String page = "/cached?cc=max-age%3D1,stale-if-error%3D60";
            assertThat(get(c, page, "").text()).startsWith("n=1");
            origin.cachedFails = true;
            Thread.sleep(1100);
            Response r = get(c, page, "");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-rampart-cache")).isEqualTo("stale-if-error");
            assertThat(r.text()).startsWith("n=1");
            assertThat(get(c, "/cached?cc=max-age%3D1&new", "").status()).as("never stored: the origin's 500").isEqualTo(500);
        }
    }

    @Test
    void withinGrace_aStaleCopyCoversAFailingOrigin_evenWithoutStaleIfError_unlessGraceIsOff() throws Exception {
        for (String grace : new String[] {"10m", "0s"}) {
            origin.cachedFails = false;
            try (GatewayFixture gw = GatewayFixture.simple(origin.url(), "shield: {grace: " + grace + "}\n");
                 RawHttp c = new RawHttp(gw.port())) {
                String page = "/cached?cc=max-age%3D1&grace=" + grace;
                assertThat(get(c, page, "").status()).isEqualTo(200);
                origin.cachedFails = true;
                Thread.sleep(1100);
                Response r = get(c, page, "");
                if (grace.equals("0s")) {
                    assertThat(r.status()).isEqualTo(500);
                } else {
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.header("x-rampart-cache")).isEqualTo("stale-if-error");
                }
            }
        }
    }

    @Test
    void originDown_keyPagesAreServedFromTheirSnapshot_andOthersGet502() throws Exception {
        TestOrigin doomed = new TestOrigin();
        boolean closed = false;
        try (GatewayFixture gw = GatewayFixture.start("""
                shield: {snapshotInterval: 1s}
                sites:
                  - name: campaign
                    hosts: ['*']
                    upstreams: [ORIGIN]
                    snapshot: [/cached]
                """, doomed.url());
             RawHttp c = new RawHttp(gw.port())) {
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> doomed.cachedHits.get() >= 1);
            Thread.sleep(200);
            doomed.close();
            closed = true;
            Response r = get(c, "/cached", "");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("x-rampart-cache")).isEqualTo("snapshot");
            assertThat(r.text()).startsWith("n=");
            assertThat(get(c, "/echo", "").status()).isEqualTo(502);
        } finally {
            if (!closed) {
                doomed.close();
            }
        }
    }
}

package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.RawHttp.Response;
import io.rampart.testing.OriginExtension;
import java.net.ConnectException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Rate limits, allow and deny lists, and the tarpit, over real sockets from distinct loopback sources. */
@ExtendWith(LeakWatcher.class)
class FirstLineMitigationTest {
    @RegisterExtension
    static final OriginExtension ORIGIN = new OriginExtension();

    @Test
    void aLimitedVisitor_readsTheSitesNameItsContactAndHowLongToWait_asRetryAfterSays() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start("""
                sites:
                  - name: campaign
                    hosts: ['*.campaign.example', 'www.campaign.example']
                    upstreams: [ORIGIN]
                    contact: 'press office, +44 20 7946 0000'
                limits:
                  perClient: {rate: 0.1, burst: 2}
                """, ORIGIN.url());
             RawHttp visitor = new RawHttp("127.0.1.7", gw.port())) {
            Response limited = null;
            for (int i = 0; i < 10 && limited == null; i++) {
                Response r = visitor.get("www.campaign.example", "/");
                limited = r.status() == 429 ? r : null;
            }
            assertThat(limited).as("limited after the burst").isNotNull();
            String wait = limited.header("retry-after");
            assertThat(Integer.parseInt(wait)).as("one request per ten seconds").isBetween(5, 10);
            assertThat(limited.text()).contains("<title>429 Too many requests — www.campaign.example</title>")
                    .containsPattern("Please try again in <span id=\"wait\"> *" + wait + "</span> seconds.")
                    .contains("contact the site: press office, +44 20 7946 0000")
                    .contains(limited.header("x-rampart-ref"));
            // an unknown host reaches no site: the generic page, nobody's contact
            Response misdirected = visitor.get("elsewhere.example", "/");
            assertThat(misdirected.status()).isEqualTo(421);
            assertThat(misdirected.text()).doesNotContain("press office").doesNotContain("campaign");
        }
    }

    @Test
    void singleSourceFlood_gets429WithRetryAfterWithinASecond_whileAnotherClientIsServed() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), """
                limits:
                  perClient: {rate: 2, burst: 20}
                """);
             RawHttp flooder = new RawHttp("127.0.1.1", gw.port());
             RawHttp neighbour = new RawHttp("127.0.2.1", gw.port())) {
            long start = System.nanoTime();
            int firstLimited = -1;
            Response limited = null;
            for (int i = 0; i < 200 && firstLimited < 0; i++) {
                Response r = flooder.get("a", "/");
                if (r.status() == 429) {
                    firstLimited = i;
                    limited = r;
                }
            }
            long elapsedMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(firstLimited).as("limited after the burst").isBetween(20, 25);
            assertThat(elapsedMs).as("limited within a second of the flood starting").isLessThan(1000);
            assertThat(Integer.parseInt(limited.header("retry-after"))).isEqualTo(1);
            assertThat(limited.text()).contains("Too many requests").contains(limited.header("x-rampart-ref"))
                    .as("a person cannot read headers").doesNotContain("header");
            // the flooder stays limited, the neighbour is untouched
            for (int i = 0; i < 10; i++) {
                assertThat(flooder.get("a", "/").status()).isEqualTo(429);
                assertThat(neighbour.get("a", "/").status()).isEqualTo(200);
            }
            assertThat(gw.gateway.metrics().counterValue("rampart.requests", "verdict", "limit")).isEqualTo(11);
            // the access log names the reason and the ref (written by its own thread, shortly after)
            String ref = limited.header("x-rampart-ref");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(3))
                    .until(() -> gw.accessLogText().contains(ref));
            assertThat(gw.accessLogText()).contains("\"verdict\":\"limit\"").contains("\"reason\":\"rate.client\"")
                    .containsPattern("\"hfp\":\"[0-9a-f]{16}\""); // the header fingerprint a rule can name
        }
    }

    @Test
    void manyMoreSourcesThanLimiterSlots_areAllServed_andStateStaysWithinTheTable() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), """
                limiter: {tableSize: 1024}
                limits:
                  perClient: {rate: 0.1, burst: 1}
                  perPrefix: {rate: 100000, burst: 100000}
                """)) {
            int sources = 3000;
            for (int i = 0; i < sources; i++) {
                try (RawHttp c = new RawHttp("127.20." + (i / 250) + "." + (1 + i % 250), gw.port())) {
                    // each source's first request fits its burst: eviction may only ever be lenient
                    assertThat(c.get("a", "/").status()).as("source " + i).isEqualTo(200);
                }
            }
            double live = gw.gateway.metrics().registry().get("rampart.limiter.entries").gauge().value();
            double capacity = gw.gateway.metrics().registry().get("rampart.limiter.capacity").gauge().value();
            assertThat(capacity).isEqualTo(1024);
            assertThat(live).isLessThanOrEqualTo(capacity).isPositive();
        }
    }

    @Test
    void limitedClient_isServedAgainOnceItsBucketRefills() throws Exception {
        // 2/s: a token every 500 ms, so a busy machine (the control plane rehearses at start) cannot refill
        // the bucket between the three requests; then polled, not slept, until the refill
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), "limits:\n  perClient: {rate: 2, burst: 2}\n");
             RawHttp c = new RawHttp("127.0.3.1", gw.port())) {
            assertThat(c.get("a", "/").status()).isEqualTo(200);
            assertThat(c.get("a", "/").status()).isEqualTo(200);
            assertThat(c.get("a", "/").status()).isEqualTo(429);
            long deadline = System.nanoTime() + 5_000_000_000L;
            int status = 429;
            while (status == 429 && System.nanoTime() < deadline) {
                Thread.sleep(50);
                status = c.get("a", "/").status();
            }
            assertThat(status).as("served again once a token came back").isEqualTo(200);
        }
    }

    @Test
    void prefixLimit_catchesManyAddressesInOneSlash24() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), """
                limits:
                  perClient: {rate: 100, burst: 100}
                  perPrefix: {rate: 1, burst: 30}
                """)) {
            int limited = 0;
            for (int host = 1; host <= 60; host++) {
                try (RawHttp c = new RawHttp("127.0.4." + host, gw.port())) {
                    if (c.get("a", "/").status() == 429) {
                        limited++;
                    }
                }
            }
            assertThat(limited).isBetween(29, 30);
            try (RawHttp outside = new RawHttp("127.0.5.1", gw.port())) {
                assertThat(outside.get("a", "/").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void routeLimits_overrideTheSitesLimits() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start("""
                sites:
                  - name: s
                    hosts: ['*']
                    upstreams: [ORIGIN]
                    limits:
                      perClient: {rate: 100, burst: 100}
                    routes:
                      - path: /login
                        limits:
                          perClient: {rate: 1, burst: 2}
                """, ORIGIN.url());
             RawHttp c = new RawHttp("127.0.6.1", gw.port())) {
            assertThat(c.get("a", "/login").status()).isEqualTo(200);
            assertThat(c.get("a", "/login").status()).isEqualTo(200);
            assertThat(c.get("a", "/login").status()).isEqualTo(429);
            assertThat(c.get("a", "/").status()).isEqualTo(200);
        }
    }

    @Test
    void limitedPostWithASmallBody_isAnswered429AndTheConnectionKeptForTheNextRequest() throws Exception {
        try (GatewayFixture gw = loginLimitedToOne();
             RawHttp c = new RawHttp("127.0.6.2", gw.port())) {
            assertThat(c.send(post("user=a&password=b")).read().status()).isEqualTo(200);
            // the body looks like a request: it must be discarded as body, never served
            String smuggled = "GET /smuggled HTTP/1.1\r\nHost: a\r\n\r\n";
            Response limited = c.send(post(smuggled)).read();
            assertThat(limited.status()).isEqualTo(429);
            assertThat(limited.header("connection")).isNotEqualTo("close");
            Response next = c.get("a", "/echo");
            assertThat(next.status()).isEqualTo(200);
            assertThat(next.text()).contains("/echo").doesNotContain("smuggled");
            assertThat(gw.gateway.metrics().counterValue("rampart.requests", "verdict", "limit")).isEqualTo(1);
        }
    }

    @Test
    void limitedPostWhoseBodyArrivesAfterTheAnswer_isDiscardedAndTheConnectionKept() throws Exception {
        try (GatewayFixture gw = loginLimitedToOne();
             RawHttp c = new RawHttp("127.0.6.3", gw.port())) {
            assertThat(c.send(post("user=a")).read().status()).isEqualTo(200);
            c.send("POST /login HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(429);
            c.send("0123456789");
            assertThat(c.get("a", "/echo").status()).isEqualTo(200);
        }
    }

    @Test
    void limitedPostWhoseBodyNeverComes_isClosedWithinSeconds_notHeldOpen() throws Exception {
        try (GatewayFixture gw = loginLimitedToOne();
             RawHttp c = new RawHttp("127.0.6.6", gw.port())) {
            assertThat(c.send(post("user=a")).read().status()).isEqualTo(200);
            c.send("POST /login HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\nuser=");
            assertThat(c.read().status()).isEqualTo(429);
            c.send("a"); // a trickle, as a slow POST would
            assertThat(c.closedWithin(4000)).isTrue();
        }
    }

    @Test
    void aSecondLimitedPostWhoseBodyNeverComes_isClosedToo_afterAFirstWhoseBodyCame() throws Exception {
        try (GatewayFixture gw = loginLimitedToOne();
             RawHttp c = new RawHttp("127.0.6.7", gw.port())) {
            assertThat(c.send(post("user=a")).read().status()).isEqualTo(200);
            c.send("POST /login HTTP/1.1\r\nHost: a\r\nContent-Length: 10\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(429);
            c.send("0123456789"); // the first body comes: the connection is kept, its deadline disarmed
            c.send("POST /login HTTP/1.1\r\nHost: a\r\nContent-Length: 1000\r\n\r\nuser=");
            assertThat(c.read().status()).isEqualTo(429);
            assertThat(c.closedWithin(4000)).as("the one deadline, armed again for the second body").isTrue();
        }
    }

    @Test
    void limitedPostWithAChunkedOrLargeBody_isAnswered429AndClosed() throws Exception {
        try (GatewayFixture gw = loginLimitedToOne();
             RawHttp chunked = new RawHttp("127.0.6.4", gw.port());
             RawHttp large = new RawHttp("127.0.6.5", gw.port())) {
            assertThat(chunked.send(post("user=a")).read().status()).isEqualTo(200);
            chunked.send("POST /login HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n");
            Response r = chunked.read();
            assertThat(r.status()).isEqualTo(429);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(chunked.closedWithin(3000)).isTrue();

            assertThat(large.send(post("user=a")).read().status()).isEqualTo(200);
            large.send("POST /login HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n");
            Response big = large.read();
            assertThat(big.status()).isEqualTo(429);
            assertThat(big.header("connection")).isEqualTo("close");
            assertThat(large.closedWithin(3000)).isTrue();
        }
    }

    private static GatewayFixture loginLimitedToOne() throws Exception {
        return GatewayFixture.start("""
                sites:
                  - name: s
                    hosts: ['*']
                    upstreams: [ORIGIN]
                    routes:
                      - path: /login
                        limits:
                          perClient: {rate: 0.01, burst: 1}
                """, ORIGIN.url());
    }

    private static String post(String body) {
        return "POST /login HTTP/1.1\r\nHost: a\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: "
                + body.length() + "\r\n\r\n" + body;
    }

    @Test
    void allowList_winsOverRateLimitsAndConnectionCaps() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), """
                allow: [127.0.7.0/24]
                deny: [127.0.7.0/24]
                limits:
                  perClient: {rate: 1, burst: 1}
                connections:
                  perClient: 1
                """);
             RawHttp a = new RawHttp("127.0.7.1", gw.port());
             RawHttp b = new RawHttp("127.0.7.1", gw.port())) {
            for (int i = 0; i < 10; i++) {
                assertThat(a.get("a", "/").status()).isEqualTo(200);
                assertThat(b.get("a", "/").status()).isEqualTo(200);
            }
            assertThat(gw.gateway.metrics().counterValue("rampart.requests", "verdict", "allow")).isEqualTo(20);
        }
    }

    @Test
    void denyList_closesAtAccept_beforeAnyHttp() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), "deny: [127.0.8.0/24, '::2/128']\n")) {
            int before = ORIGIN.origin().requests.get();
            assertThat(RawHttp.turnedAway("127.0.8.9", gw.port(), 2000)).isTrue();
            assertThat(ORIGIN.origin().requests.get()).isEqualTo(before);
            try (RawHttp ok = new RawHttp("127.0.9.1", gw.port())) {
                assertThat(ok.get("a", "/").status()).isEqualTo(200);
            }
            assertThat(gw.gateway.metrics().counterValue("rampart.connections.rejected", "reason", "deny_list")).isEqualTo(1);
        }
    }

    @Test
    void perClientConnectionCap_refusesAnExtraConnectionWhileAllAreBusy_andAnIdleOneMakesRoomOtherwise() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), "connections:\n  perClient: 3\n")) {
            List<RawHttp> held = new ArrayList<>();
            try {
                for (int i = 0; i < 3; i++) {
                    RawHttp c = new RawHttp("127.0.10.1", gw.port());
                    c.send("GET /slow?ms=1500&c=" + i + " HTTP/1.1\r\nHost: a\r\n\r\n"); // busy: a request in flight
                    held.add(c);
                }
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                        .until(() -> ORIGIN.origin().slowInFlight.get() >= 3);
                assertThat(RawHttp.turnedAway("127.0.10.1", gw.port(), 2000)).as("nothing idle to make room").isTrue();
                for (RawHttp c : held) {
                    assertThat(c.read().status()).as("the busy ones are kept").isEqualTo(200);
                }
                try (RawHttp other = new RawHttp("127.0.10.2", gw.port())) {
                    assertThat(other.get("a", "/").status()).isEqualTo(200);
                }
                // now all three are idle between requests: once they have been idle a moment, a fourth
                // takes the place of the oldest
                RawHttp[] fourth = new RawHttp[1];
                org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> {
                    try {
                        RawHttp c = new RawHttp("127.0.10.1", gw.port());
                        if (c.get("a", "/").status() == 200) {
                            fourth[0] = c;
                            return true;
                        }
                        c.close();
                    } catch (java.io.IOException refused) {
                        // the three are not idle long enough yet
                    }
                    return false;
                });
                int closed = 0;
                for (RawHttp c : held) {
                    closed += c.closedWithin(300) ? 1 : 0; // the one idle longest: whichever response ended first
                }
                fourth[0].close();
                assertThat(closed).as("one idle connection made room").isEqualTo(1);
            } finally {
                for (RawHttp c : held) {
                    c.close();
                }
            }
            assertThat(gw.gateway.metrics().counterValue("rampart.connections.rejected", "reason", "per_client_cap")).isGreaterThanOrEqualTo(1);
            assertThat(gw.gateway.metrics().counterValue("rampart.connections.evicted", "cap", "per_client")).isEqualTo(1);
        }
    }

    @Test
    void tarpit_holdsTheAnswerWithoutHoldingOtherClients() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), """
                limits:
                  perClient: {rate: 1, burst: 1}
                  action: tarpit
                  tarpitDelay: 700ms
                """);
             RawHttp slowpoke = new RawHttp("127.0.11.1", gw.port());
             RawHttp other = new RawHttp("127.0.11.2", gw.port())) {
            assertThat(slowpoke.get("a", "/").status()).isEqualTo(200);
            slowpoke.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            long start = System.nanoTime();
            // meanwhile, on the same event loops, another client is answered at once
            assertThat(other.get("a", "/").status()).isEqualTo(200);
            long otherMs = (System.nanoTime() - start) / 1_000_000;
            Response held = slowpoke.read();
            long heldMs = (System.nanoTime() - start) / 1_000_000;
            assertThat(held.status()).isEqualTo(429);
            assertThat(heldMs).isGreaterThanOrEqualTo(650);
            assertThat(otherMs).isLessThan(650);
        }
    }

    @Test
    void blockAction_answers403() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), "limits:\n  perClient: {rate: 1, burst: 1}\n  action: block\n");
             RawHttp c = new RawHttp("127.0.12.1", gw.port())) {
            assertThat(c.get("a", "/").status()).isEqualTo(200);
            Response r = c.get("a", "/");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.text()).contains("Access denied");
        }
    }

    @Test
    void closeAction_dropsTheConnection() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), "limits:\n  perClient: {rate: 1, burst: 1}\n  action: close\n");
             RawHttp c = new RawHttp("127.0.13.1", gw.port())) {
            assertThat(c.get("a", "/").status()).isEqualTo(200);
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.closedWithin(2000)).isTrue();
        }
    }

    @Test
    void ipv6Listener_servesIpv6Clients() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start("""
                listeners:
                  - address: '[::1]:0'
                sites:
                  - name: v6
                    hosts: ['*']
                    upstreams: [ORIGIN]
                """, ORIGIN.url())) {
            try (java.net.Socket s = new java.net.Socket("::1", gw.port())) {
                s.getOutputStream().write("GET /echo HTTP/1.1\r\nHost: [::1]\r\nConnection: close\r\n\r\n".getBytes());
                String text = new String(s.getInputStream().readAllBytes());
                assertThat(text).startsWith("HTTP/1.1 200").contains("x-forwarded-for: ::1");
            } catch (ConnectException noIpv6) {
                org.junit.jupiter.api.Assumptions.abort("no IPv6 loopback on this machine");
            }
        }
    }
}

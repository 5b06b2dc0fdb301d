package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.RawHttp.Response;
import io.rampart.testing.TestOrigin;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

@ExtendWith(LeakWatcher.class)
class ProxyForwardingTest {
    static TestOrigin origin;
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        origin = new TestOrigin();
        gw = GatewayFixture.start("""
                trustedProxies: [127.9.0.0/16]
                sites:
                  - name: www
                    hosts: [www.example.org, '*.example.org']
                    upstreams: [ORIGIN]
                  - name: other
                    hosts: [other.example.net]
                    upstreams: [ORIGIN]
                """, origin.url());
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        origin.close();
    }

    @Test
    void get_isForwardedWithForwardingHeadersAndRefId() throws Exception {
        try (RawHttp c = new RawHttp("127.0.0.5", gw.port())) {
            Response r = c.get("www.example.org", "/echo?q=1");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).startsWith("GET /echo?q=1 HTTP/1.1")
                    .contains("host: www.example.org")
                    .contains("x-forwarded-for: 127.0.0.5")
                    .contains("x-forwarded-proto: http")
                    .contains("x-forwarded-host: www.example.org")
                    .contains("via: 1.1 rampart");
            assertThat(r.header("x-rampart-ref")).matches("[0-9A-Z]{12}");
            assertThat(r.header("via")).isEqualTo("1.1 rampart");
        }
    }

    @Test
    void spoofedForwardingHeadersFromUntrustedClient_areReplaced() throws Exception {
        try (RawHttp c = new RawHttp("127.0.0.6", gw.port())) {
            c.send("GET /echo HTTP/1.1\r\nHost: www.example.org\r\nX-Forwarded-For: 6.6.6.6\r\n"
                    + "X-Forwarded-Proto: https\r\nX-Forwarded-Host: evil.example\r\n\r\n");
            String echo = c.read().text();
            assertThat(echo).contains("x-forwarded-for: 127.0.0.6").doesNotContain("6.6.6.6")
                    .contains("x-forwarded-proto: http").doesNotContain("evil.example");
        }
    }

    @Test
    void trustedProxy_chainIsExtendedAndClientIsRightmostUntrustedHop() throws Exception {
        try (RawHttp c = new RawHttp("127.9.0.1", gw.port())) {
            c.send("GET /echo HTTP/1.1\r\nHost: www.example.org\r\nX-Forwarded-For: 203.0.113.7, 127.9.0.2\r\n\r\n");
            assertThat(c.read().text()).contains("x-forwarded-for: 203.0.113.7, 127.9.0.2, 127.9.0.1");
        }
        // the access log is written by its own thread, a few milliseconds later
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(3))
                .until(() -> gw.accessLogText().contains("\"client\":\"203.0.113.7\""));
    }

    @Test
    void hopByHopHeaders_areRemovedBothWays() throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            c.send("GET /echo HTTP/1.1\r\nHost: www.example.org\r\nConnection: keep-alive, X-Client-Secret\r\n"
                    + "X-Client-Secret: s\r\nKeep-Alive: timeout=5\r\nProxy-Authorization: Basic x\r\nTE: trailers\r\n\r\n");
            Response r = c.read();
            assertThat(r.text()).doesNotContain("x-client-secret").doesNotContain("keep-alive: timeout")
                    .doesNotContain("proxy-authorization").doesNotContain("\nte:");
            // the origin named X-Origin-Secret in its Connection header
            assertThat(r.header("x-origin-secret")).isNull();
        }
    }

    @Test
    void connectionHeaderCannotStripFraming() throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: www.example.org\r\nConnection: Content-Length, Host\r\n"
                    + "Content-Length: 5\r\n\r\nhello");
            assertThat(c.read().text()).startsWith("5 ");
        }
    }

    @Test
    void keepAlive_reusesOneOriginConnectionAcrossRequests() throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            c.get("www.example.org", "/"); // warm one pooled connection
            int before = origin.connections.get();
            for (int i = 0; i < 20; i++) {
                assertThat(c.get("www.example.org", "/").status()).isEqualTo(200);
            }
            assertThat(origin.connections.get() - before).isLessThanOrEqualTo(1);
        }
    }

    @Test
    void pipelinedRequests_areAnsweredInOrder() throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            c.send("GET /echo?n=1 HTTP/1.1\r\nHost: www.example.org\r\n\r\n"
                    + "GET /slow?ms=50 HTTP/1.1\r\nHost: www.example.org\r\n\r\n"
                    + "GET /echo?n=3 HTTP/1.1\r\nHost: www.example.org\r\n\r\n");
            assertThat(c.read().text()).startsWith("GET /echo?n=1");
            assertThat(c.read().text()).isEqualTo("slow 50");
            assertThat(c.read().text()).startsWith("GET /echo?n=3");
        }
    }

    @Test
    void pipelinedFlood_isServedInOrder_withoutStarvingOthers() throws Exception {
        int n = 2000;
        StringBuilder burst = new StringBuilder();
        for (int i = 0; i < n; i++) {
            burst.append("GET /echo?n=").append(i).append(" HTTP/1.1\r\nHost: www.example.org\r\n\r\n");
        }
        try (GatewayFixture open = GatewayFixture.simple(origin.url(),
                "limits:\n  perClient: {rate: 100000, burst: 100000}\n  perPrefix: {rate: 100000, burst: 100000}\n");
             RawHttp flood = new RawHttp("127.0.0.7", open.port()); RawHttp other = new RawHttp("127.0.0.8", open.port())) {
            flood.socket().setSoTimeout(20_000);
            Thread writer = new Thread(() -> {
                try {
                    flood.send(burst.toString()); // without reading anything back yet
                } catch (Exception ignored) {
                    // the assertions below tell
                }
            });
            writer.start();
            Thread.sleep(200);
            assertThat(other.get("www.example.org", "/").status()).isEqualTo(200);
            for (int i = 0; i < n; i++) {
                assertThat(flood.read().text()).startsWith("GET /echo?n=" + i + " ");
            }
            writer.join(10_000);
        }
    }

    @Test
    void largeChunkedUpload_streamsIntactToTheOrigin() throws Exception {
        byte[] block = new byte[256 * 1024];
        new Random(7).nextBytes(block);
        MessageDigest sha = MessageDigest.getInstance("SHA-256");
        int blocks = 128; // 32 MiB
        try (RawHttp c = new RawHttp(gw.port())) {
            c.socket().setSoTimeout(30_000);
            c.send("POST /upload HTTP/1.1\r\nHost: www.example.org\r\nTransfer-Encoding: chunked\r\n\r\n");
            OutputStream out = c.socket().getOutputStream();
            for (int i = 0; i < blocks; i++) {
                out.write((Integer.toHexString(block.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(block);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
                sha.update(block);
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Response r = c.read();
            assertThat(r.text()).isEqualTo((long) blocks * block.length + " " + HexFormat.of().formatHex(sha.digest()));
        }
    }

    @Test
    void largeDownload_arrivesCompletely() throws Exception {
        long size = 64L * 1024 * 1024;
        try (RawHttp c = new RawHttp(gw.port())) {
            c.socket().setSoTimeout(30_000);
            c.send("GET /download?size=" + size + " HTTP/1.1\r\nHost: www.example.org\r\n\r\n");
            String status = c.line();
            assertThat(status).isEqualTo("HTTP/1.1 200 OK");
            String l;
            long length = -1;
            while (!(l = c.line()).isEmpty()) {
                if (l.toLowerCase().startsWith("content-length:")) {
                    length = Long.parseLong(l.substring(15).trim());
                }
            }
            assertThat(length).isEqualTo(size);
            assertThat(c.readBodyDiscarding(size)).isEqualTo(size);
            // and the connection is still usable
            assertThat(c.get("www.example.org", "/").status()).isEqualTo(200);
        }
    }

    @Test
    void headRequest_getsHeadersWithoutBody() throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            c.send("HEAD / HTTP/1.1\r\nHost: www.example.org\r\n\r\n");
            Response r = c.read(true);
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.header("content-length")).isNotNull();
            assertThat(c.get("www.example.org", "/echo").text()).startsWith("GET /echo");
        }
    }

    @Test
    void expectContinue_getsItsGoAhead_andTheBodyReachesTheOrigin() throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            c.send("POST /continue HTTP/1.1\r\nHost: www.example.org\r\nContent-Length: 4\r\nExpect: 100-continue\r\n\r\n");
            Response interim = c.read();
            assertThat(interim.status()).isEqualTo(100);
            c.send("data");
            assertThat(c.read().text()).startsWith("4 ");
        }
    }

    @Test
    void originBodyEndedByClose_isReChunkedForKeepAliveClients() throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            Response r = c.get("www.example.org", "/until-close");
            assertThat(r.text()).isEqualTo("body ended by close");
            assertThat(r.header("transfer-encoding")).isEqualTo("chunked");
            assertThat(c.get("www.example.org", "/").status()).isEqualTo(200);
        }
    }

    @Test
    void rangeRequest_isPassedThrough() throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            c.send("GET /range HTTP/1.1\r\nHost: www.example.org\r\nRange: bytes=10-19\r\n\r\n");
            Response r = c.read();
            assertThat(r.status()).isEqualTo(206);
            assertThat(r.header("content-range")).isEqualTo("bytes 10-19/100");
            assertThat(r.text()).isEqualTo("0123456789");
        }
    }

    @Test
    void compressedBody_isPassedThroughUntouched() throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            c.send("GET /gzip HTTP/1.1\r\nHost: www.example.org\r\nAccept-Encoding: gzip\r\n\r\n");
            Response r = c.read();
            assertThat(r.header("content-encoding")).isEqualTo("gzip");
            assertThat(r.body()).containsExactly(0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5);
            assertThat(origin.lastHead().headers().get("accept-encoding")).isEqualTo("gzip");
        }
    }

    @Test
    void chunkedTrailers_travelBothWays() throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            c.send("POST /trailers HTTP/1.1\r\nHost: www.example.org\r\nTransfer-Encoding: chunked\r\nTrailer: x-client-trailer\r\n\r\n"
                    + "5\r\nhello\r\n0\r\nx-client-trailer: abc\r\n\r\n");
            assertThat(c.line()).isEqualTo("HTTP/1.1 200 OK");
            StringBuilder rest = new StringBuilder();
            String l;
            int blank = 0;
            while ((l = c.line()) != null) {
                rest.append(l).append('\n');
                if (l.isEmpty() && ++blank == 2) {
                    break;
                }
            }
            assertThat(rest.toString()).contains("request trailer: abc").containsIgnoringCase("x-origin-trailer: done");
        }
    }

    @Test
    void http10Client_isServedAndClosed() throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            c.send("GET /echo HTTP/1.0\r\nHost: www.example.org\r\n\r\n");
            Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).contains("via: 1.0 rampart");
            assertThat(c.closedWithin(2000)).isTrue();
        }
    }

    @Test
    void absoluteFormTarget_isRoutedByItsAuthorityAndSentInOriginForm() throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            c.send("GET http://other.example.net/echo?x=1 HTTP/1.1\r\nHost: www.example.org\r\n\r\n");
            assertThat(c.read().text()).startsWith("GET /echo?x=1 HTTP/1.1").contains("host: other.example.net");
        }
    }

    @Test
    void wildcardHost_matchesSubdomains() throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            assertThat(c.get("a.b.example.org:8000", "/").status()).isEqualTo(200);
        }
    }

    @Test
    void unknownHost_gets421AndIsNeverForwarded() throws Exception {
        int before = origin.requests.get();
        try (RawHttp c = new RawHttp(gw.port())) {
            Response r = c.get("evil.example.com", "/");
            assertThat(r.status()).isEqualTo(421);
            assertThat(r.text()).contains("No site here answers");
            assertThat(r.header("x-rampart-ref")).isNotNull();
            assertThat(c.get("www.example.org", "/").status()).isEqualTo(200);
        }
        assertThat(origin.requests.get() - before).isEqualTo(1);
    }

    @Test
    void connectMethod_isRefused_neverAnOpenProxy() throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            c.send("CONNECT evil.example.com:443 HTTP/1.1\r\nHost: evil.example.com:443\r\n\r\n");
            assertThat(c.read().status()).isIn(400, 405);
        }
    }

    @Test
    void originDown_gets502PageInHtmlOrJson() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (GatewayFixture down = GatewayFixture.simple("http://127.0.0.1:" + deadPort, "");
             RawHttp c = new RawHttp(down.port())) {
            Response html = c.get("x", "/");
            assertThat(html.status()).isEqualTo(502);
            assertThat(html.header("content-type")).startsWith("text/html");
            assertThat(html.text()).contains("could not be reached").contains(html.header("x-rampart-ref"))
                    .doesNotContain("Exception").doesNotContain("at io.");
            c.send("GET / HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n");
            Response json = c.read();
            assertThat(json.status()).isEqualTo(502);
            assertThat(json.text()).startsWith("{\"status\":502,\"error\":\"bad_gateway\"");
            assertThat(down.gateway.metrics().counterValue("rampart.upstream.errors", "kind", "refused")).isGreaterThanOrEqualTo(2);
        }
    }

    @Test
    void secondUpstream_servesWhenFirstRefuses() throws Exception {
        int deadPort;
        try (ServerSocket s = new ServerSocket(0)) {
            deadPort = s.getLocalPort();
        }
        try (GatewayFixture two = GatewayFixture.start("""
                sites:
                  - name: two
                    hosts: ['*']
                    upstreams: [http://127.0.0.1:%d, ORIGIN]
                """.formatted(deadPort), origin.url());
             RawHttp c = new RawHttp(two.port())) {
            for (int i = 0; i < 6; i++) {
                assertThat(c.get("x", "/").status()).isEqualTo(200);
            }
            assertThat(two.gateway.metrics().counterValue("rampart.upstream.errors", "kind", "refused")).isEqualTo(1);
        }
    }

    @Test
    void slowOrigin_gets504() throws Exception {
        try (GatewayFixture slow = GatewayFixture.simple(origin.url(), "timeouts:\n  upstreamResponse: 300ms\n");
             RawHttp c = new RawHttp(slow.port())) {
            Response r = c.get("x", "/slow?ms=2000");
            assertThat(r.status()).isEqualTo(504);
            assertThat(r.text()).contains("did not answer in time");
            assertThat(c.get("x", "/").status()).isEqualTo(200);
        }
    }
}

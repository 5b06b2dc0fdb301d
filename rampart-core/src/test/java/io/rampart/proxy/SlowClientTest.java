package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.RawHttp.Response;
import io.rampart.testing.OriginExtension;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Slowloris, slow POST, slow read and idle connections: each is cut off, and nobody else waits. */
@ExtendWith(LeakWatcher.class)
class SlowClientTest {
    @RegisterExtension
    static final OriginExtension ORIGIN = new OriginExtension();

    @Test
    void slowloris_headDeadlineIsNotResetByTrickledBytes() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), "timeouts:\n  requestHead: 1s\n");
             RawHttp c = new RawHttp(gw.port())) {
            long start = System.nanoTime();
            c.send("GET / HTTP/1.1\r\nHost: a\r\n");
            // one header line every 300 ms: an idle timer would never fire
            IOException cut = null;
            Response r = null;
            for (int i = 0; i < 10 && r == null && cut == null; i++) {
                Thread.sleep(300);
                try {
                    c.send("X-Slow-" + i + ": 1\r\n");
                } catch (IOException e) {
                    cut = e;
                }
                if (c.socket().getInputStream().available() > 0) {
                    r = c.read();
                }
            }
            if (r == null && cut == null) {
                r = c.read();
            }
            long ms = (System.nanoTime() - start) / 1_000_000;
            assertThat(ms).isBetween(900L, 2500L);
            if (r != null) {
                assertThat(r.status()).isEqualTo(408);
            }
            assertThat(gw.gateway.metrics().counterValue("rampart.slow.clients.closed", "kind", "head")).isEqualTo(1);
        }
    }

    @Test
    void silentConnection_isClosedAfterTheHeadDeadline() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), "timeouts:\n  requestHead: 500ms\n");
             RawHttp c = new RawHttp(gw.port())) {
            assertThat(c.closedWithin(2000)).isTrue();
        }
    }

    @Test
    void idleKeepAliveConnection_isClosedAfterKeepAliveIdle() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), "timeouts:\n  keepAliveIdle: 500ms\n");
             RawHttp c = new RawHttp(gw.port())) {
            assertThat(c.get("a", "/").status()).isEqualTo(200);
            long start = System.nanoTime();
            assertThat(c.closedWithin(2000)).isTrue();
            assertThat((System.nanoTime() - start) / 1_000_000).isGreaterThanOrEqualTo(400);
        }
    }

    @Test
    void slowPost_belowMinimumRate_isCutOffWith408() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), """
                timeouts:
                  bodyGrace: 1s
                  minBodyRate: 1KB
                """);
             RawHttp c = new RawHttp(gw.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n");
            Response r = null;
            for (int i = 0; i < 40 && r == null; i++) {
                Thread.sleep(100);
                c.send("x"); // 10 bytes/s
                if (c.socket().getInputStream().available() > 0) {
                    r = c.read();
                }
            }
            assertThat(r).isNotNull();
            assertThat(r.status()).isEqualTo(408);
            assertThat(c.closedWithin(2000)).isTrue();
            assertThat(gw.gateway.metrics().counterValue("rampart.slow.clients.closed", "kind", "body")).isEqualTo(1);
        }
    }

    @Test
    void fastUpload_isNotMistakenForSlowPost() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), "timeouts:\n  bodyGrace: 250ms\n  minBodyRate: 1KB\n");
             RawHttp c = new RawHttp(gw.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 30000\r\n\r\n");
            for (int i = 0; i < 10; i++) {
                c.send("x".repeat(3000));
                Thread.sleep(50); // 60 KB/s for half a second
            }
            assertThat(c.read().text()).startsWith("30000 ");
        }
    }

    @Test
    void slowReader_isDisconnectedAfterClientWriteTimeout() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), "timeouts:\n  clientWrite: 1s\n")) {
            Socket s = new Socket();
            s.setReceiveBufferSize(4096);
            s.connect(new InetSocketAddress("127.0.0.1", gw.port()));
            s.getOutputStream().write("GET /download?size=67108864 HTTP/1.1\r\nHost: a\r\n\r\n".getBytes());
            // never read: the gateway's buffer fills, then it must let go
            long start = System.nanoTime();
            long deadline = start + 8_000_000_000L;
            while (gw.gateway.metrics().counterValue("rampart.slow.clients.closed", "kind", "write") < 1
                    && System.nanoTime() < deadline) {
                Thread.sleep(50);
            }
            assertThat(gw.gateway.metrics().counterValue("rampart.slow.clients.closed", "kind", "write")).isEqualTo(1);
            assertThat(gw.gateway.openConnections()).isZero();
            s.close();
        }
    }

    @Test
    void twoThousandSlowlorisConnectionsFromManyAddresses_doNotStopANormalClient() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), """
                timeouts:
                  requestHead: 20s
                connections:
                  perClient: 4
                  total: 4000
                """)) {
            List<Socket> attackers = new ArrayList<>();
            try {
                for (int i = 0; i < 2000; i++) {
                    Socket s = new Socket();
                    s.bind(new InetSocketAddress("127.1." + (i / 250) + "." + (1 + i % 250), 0));
                    s.connect(new InetSocketAddress("127.0.0.1", gw.port()), 2000);
                    s.getOutputStream().write(("GET / HTTP/1.1\r\nHost: a\r\nX-a: " + i + "\r\n").getBytes());
                    attackers.add(s);
                }
                // the attack holds: every connection is open and mid-head
                Thread.sleep(200);
                assertThat(gw.gateway.openConnections()).isGreaterThanOrEqualTo(2000);
                for (int round = 0; round < 5; round++) {
                    long start = System.nanoTime();
                    try (RawHttp normal = new RawHttp("127.2.0.1", gw.port())) {
                        assertThat(normal.get("a", "/").status()).isEqualTo(200);
                    }
                    long ms = (System.nanoTime() - start) / 1_000_000;
                    assertThat(ms).as("normal client served in under a second").isLessThan(1000);
                    for (int i = round; i < attackers.size(); i += 50) {
                        attackers.get(i).getOutputStream().write("X-b: 1\r\n".getBytes()); // keep trickling
                    }
                }
            } finally {
                for (Socket s : attackers) {
                    s.close();
                }
            }
        }
    }

    static void drain(InputStream in) throws IOException {
        byte[] b = new byte[8192];
        while (in.available() > 0 && in.read(b) > 0) {
            // discard
        }
    }
}

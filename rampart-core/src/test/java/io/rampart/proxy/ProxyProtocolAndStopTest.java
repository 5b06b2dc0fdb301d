package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.RawHttp.Response;
import io.rampart.testing.OriginExtension;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

@ExtendWith(LeakWatcher.class)
class ProxyProtocolAndStopTest {
    @RegisterExtension
    static final OriginExtension ORIGIN = new OriginExtension();

    private static GatewayFixture proxyProtocolGateway(String extra) throws Exception {
        return GatewayFixture.start("""
                listeners:
                  - address: 127.0.0.1:0
                    proxyProtocol: true
                sites:
                  - {name: s, hosts: ['*'], upstreams: [ORIGIN]}
                """ + extra, ORIGIN.url());
    }

    @Test
    void proxyProtocolV1_setsTheClientAddress() throws Exception {
        try (GatewayFixture gw = proxyProtocolGateway("");
             RawHttp c = new RawHttp(gw.port())) {
            c.send("PROXY TCP4 203.0.113.9 127.0.0.1 51000 80\r\nGET /echo HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.read().text()).contains("x-forwarded-for: 203.0.113.9");
        }
    }

    @Test
    void proxyProtocolV2_setsTheClientAddress_andDenyListApplies() throws Exception {
        try (GatewayFixture gw = proxyProtocolGateway("deny: [198.51.100.0/24]\n")) {
            try (RawHttp c = new RawHttp(gw.port())) {
                c.send(v2Header(new byte[] {(byte) 192, 0, 2, 44})).send("GET /echo HTTP/1.1\r\nHost: a\r\n\r\n");
                assertThat(c.read().text()).contains("x-forwarded-for: 192.0.2.44");
            }
            try (RawHttp denied = new RawHttp(gw.port())) {
                boolean closed;
                try {
                    denied.send(v2Header(new byte[] {(byte) 198, 51, 100, 1})).send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
                    closed = denied.closedWithin(2000);
                } catch (java.net.SocketException e) {
                    closed = true; // reset as soon as the PROXY header named a denied client: the request never got in
                }
                assertThat(closed).isTrue();
            }
        }
    }

    @Test
    void garbageInsteadOfProxyHeader_isClosed() throws Exception {
        try (GatewayFixture gw = proxyProtocolGateway("");
             RawHttp c = new RawHttp(gw.port())) {
            c.send("GET / HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.closedWithin(2000)).isTrue();
        }
    }

    private static byte[] v2Header(byte[] src) {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        b.writeBytes(new byte[] {0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A});
        b.write(0x21); // v2, PROXY
        b.write(0x11); // TCP over IPv4
        b.writeBytes(ByteBuffer.allocate(2).putShort((short) 12).array());
        b.writeBytes(src);
        b.writeBytes(new byte[] {127, 0, 0, 1});
        b.writeBytes(ByteBuffer.allocate(4).putShort((short) 40000).putShort((short) 80).array());
        return b.toByteArray();
    }

    @Test
    void gracefulStop_finishesTheRequestInFlightAndClosesIdleConnections() throws Exception {
        GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), "");
        try (RawHttp busy = new RawHttp(gw.port()); RawHttp idle = new RawHttp(gw.port())) {
            assertThat(idle.get("a", "/").status()).isEqualTo(200);
            busy.send("GET /slow?ms=600 HTTP/1.1\r\nHost: a\r\n\r\n");
            Thread.sleep(100);
            assertThat(gw.gateway.inFlight()).isEqualTo(1);
            CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> gw.gateway.stop(Duration.ofSeconds(5)));
            assertThat(idle.closedWithin(1000)).isTrue();
            Response r = busy.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).isEqualTo("slow 600");
            assertThat(r.header("connection")).isEqualTo("close");
            stopping.get();
        } finally {
            gw.close();
        }
    }
}

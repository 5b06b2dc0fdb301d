package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.RawHttp.Response;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Garbage from the origin side: a raw-socket origin that misbehaves per path. The client gets a
 * clear 502 (or, once a response has begun, a closed connection), never another client's bytes,
 * and the gateway keeps serving.
 */
@ExtendWith(LeakWatcher.class)
class BadOriginTest {
    static ServerSocket server;
    static ExecutorService pool = Executors.newCachedThreadPool();
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        pool.submit(() -> {
            while (!server.isClosed()) {
                try {
                    Socket s = server.accept();
                    pool.submit(() -> serve(s));
                } catch (IOException closed) {
                    return;
                }
            }
        });
        gw = GatewayFixture.simple("http://127.0.0.1:" + server.getLocalPort(), "timeouts: {upstreamResponse: 2s}\n");
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        server.close();
        pool.shutdownNow();
    }

    /** Serves requests on one origin connection until it closes; the path picks the misbehaviour. */
    private static void serve(Socket s) {
        try (s) {
            InputStream in = s.getInputStream();
            OutputStream out = s.getOutputStream();
            for (;;) {
                String head = readHead(in);
                if (head == null) {
                    return;
                }
                String path = head.split(" ")[1];
                String answer;
                switch (path) {
                    case "/garbage-status": answer = "HTTX/9 OK?\r\n\r\n"; break;
                    case "/cl-and-te": answer = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"; break;
                    case "/two-lengths": answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\nContent-Length: 7\r\n\r\nok"; break;
                    case "/huge-headers": answer = "HTTP/1.1 200 OK\r\nX-Big: " + "x".repeat(20_000) + "\r\nContent-Length: 2\r\n\r\nok"; break;
                    case "/nul-header": answer = "HTTP/1.1 200 OK\r\nX-Bad: a\u0000b\r\nContent-Length: 2\r\n\r\nok"; break;
                    case "/bad-chunk": answer = "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nok\r\n0\r\n\r\n"; break;
                    case "/unasked-101": answer = "HTTP/1.1 101 Switching Protocols\r\nUpgrade: h2c\r\nConnection: Upgrade\r\n\r\n"; break;
                    case "/cut-short":
                        out.write("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly ten b".getBytes(StandardCharsets.ISO_8859_1));
                        out.flush();
                        return; // close mid-body
                    case "/smuggle":
                        // a complete response, then bytes that would poison a pooled connection
                        answer = "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"
                                + "HTTP/1.1 200 OK\r\nContent-Length: 8\r\n\r\nSMUGGLED";
                        break;
                    default: answer = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nclean"; break;
                }
                out.write(answer.getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                if (path.equals("/garbage-status") || path.equals("/unasked-101")) {
                    Thread.sleep(200);
                    return;
                }
            }
        } catch (Exception ignored) {
            // the gateway hung up: fine
        }
    }

    private static String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        int c;
        int state = 0;
        while ((c = in.read()) != -1) {
            b.write(c);
            state = (c == '\r' || c == '\n') ? state + 1 : 0;
            if (state == 4) {
                return b.toString(StandardCharsets.ISO_8859_1);
            }
        }
        return null;
    }

    private Response get(String path) throws IOException {
        try (RawHttp c = new RawHttp(gw.port())) {
            return c.get("a", path);
        }
    }

    private void assertCleanBadGateway(String path) throws IOException {
        Response r = get(path);
        assertThat(r.status()).as(path).isEqualTo(502);
        assertThat(r.text()).as(path).contains("could not be reached or gave a broken answer")
                .doesNotContain("Exception");
        assertThat(get("/clean").text()).as("gateway still serving after " + path).isEqualTo("clean");
    }

    @Test
    void garbageStatusLine_is502() throws IOException {
        assertCleanBadGateway("/garbage-status");
    }

    @Test
    void contentLengthAndTransferEncodingFromOrigin_is502() throws IOException {
        assertCleanBadGateway("/cl-and-te");
    }

    @Test
    void conflictingLengthsFromOrigin_is502() throws IOException {
        assertCleanBadGateway("/two-lengths");
    }

    @Test
    void oversizedHeadersFromOrigin_is502() throws IOException {
        assertCleanBadGateway("/huge-headers");
    }

    @Test
    void controlCharacterInOriginHeader_is502() throws IOException {
        assertCleanBadGateway("/nul-header");
    }

    @Test
    void protocolSwitchNobodyAskedFor_is502() throws IOException {
        assertCleanBadGateway("/unasked-101");
    }

    /**
     * Regression: a broken chunk from the origin was taken as the end of the body (the client saw
     * a complete, truncated response) and the origin connection, its decoder now discarding
     * everything, went back to the pool, where the next request waited for a 504.
     */
    @Test
    void badChunkAfterTheHead_closesTheClient_andTheBrokenConnectionIsNeverReused() throws IOException {
        for (int i = 0; i < 5; i++) {
            try (RawHttp c = new RawHttp(gw.port())) {
                c.send("GET /bad-chunk HTTP/1.1\r\nHost: a\r\n\r\n");
                // Whether the head was already flushed or not, the body is broken: the connection
                // must end, and never with the terminating chunk that would make it look complete.
                byte[] got = c.socket().getInputStream().readAllBytes();
                String text = new String(got, StandardCharsets.ISO_8859_1);
                assertThat(text).doesNotContain("\r\n0\r\n\r\n");
                if (!text.isEmpty()) {
                    assertThat(text).startsWith("HTTP/1.1 200 OK");
                }
            }
            try (RawHttp c = new RawHttp(gw.port())) {
                long start = System.nanoTime();
                assertThat(c.get("a", "/clean").text()).isEqualTo("clean");
                assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(1000);
            }
        }
    }

    @Test
    void originClosingMidBody_closesTheClientInsteadOfHanging() throws IOException {
        try (RawHttp c = new RawHttp(gw.port())) {
            c.send("GET /cut-short HTTP/1.1\r\nHost: a\r\n\r\n");
            assertThat(c.line()).isEqualTo("HTTP/1.1 200 OK");
            assertThat(c.closedWithin(3000)).isTrue();
        }
        assertThat(get("/clean").text()).isEqualTo("clean");
    }

    @Test
    void bytesAfterACompleteResponse_neverReachTheNextClient() throws IOException {
        for (int i = 0; i < 20; i++) {
            try (RawHttp c = new RawHttp(gw.port())) {
                assertThat(c.get("a", "/smuggle").text()).isEqualTo("ok");
                assertThat(c.get("a", "/clean").text()).isEqualTo("clean");
            }
            try (RawHttp other = new RawHttp(gw.port())) {
                assertThat(other.get("a", "/clean").text()).isEqualTo("clean");
            }
        }
    }
}

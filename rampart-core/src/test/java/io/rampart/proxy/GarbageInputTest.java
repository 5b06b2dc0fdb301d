package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.OriginExtension;
import io.rampart.testing.RawHttp;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Seeded random garbage and random mutations of valid requests, over real sockets. Whatever
 * arrives, each reply is well-formed HTTP with an expected status (or the connection closes),
 * nothing leaks, and a normal client is served throughout. A failure prints its seed and input.
 */
@ExtendWith(LeakWatcher.class)
class GarbageInputTest {
    @RegisterExtension
    static final OriginExtension ORIGIN = new OriginExtension();

    private static final Set<Integer> EXPECTED = Set.of(100, 200, 400, 404, 405, 408, 413, 414, 421, 429, 431, 502, 505);
    private static final Pattern STATUS_LINE = Pattern.compile("HTTP/1\\.1 (\\d{3}) [^\\r\\n]*\\r\\n");
    private static final String[] VALID = {
        "GET /echo?a=1 HTTP/1.1\r\nHost: a\r\nUser-Agent: x\r\n\r\n",
        "POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello",
        "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
        "HEAD / HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n",
        "GET http://a/echo HTTP/1.1\r\nHost: b\r\n\r\n",
    };
    private static final String TOKENS = " \t\r\n:;,/?#%\u0000\u007f\u00ff0123456789-+chunkedContent-LengthTransfer-EncodingHost";

    private static byte[] mutate(Random r, byte[] valid) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int edits = 1 + r.nextInt(4);
        byte[] b = valid.clone();
        for (int e = 0; e < edits; e++) {
            int at = r.nextInt(b.length);
            switch (r.nextInt(4)) {
                case 0: // flip to a random byte
                    b[at] = (byte) r.nextInt(256);
                    break;
                case 1: // flip to an interesting character
                    b[at] = (byte) TOKENS.charAt(r.nextInt(TOKENS.length()));
                    break;
                case 2: { // duplicate a slice
                    int len = Math.min(b.length - at, 1 + r.nextInt(20));
                    byte[] nb = new byte[b.length + len];
                    System.arraycopy(b, 0, nb, 0, at + len);
                    System.arraycopy(b, at, nb, at + len, b.length - at);
                    b = nb;
                    break;
                }
                default: { // delete a slice
                    int len = Math.min(b.length - at - 1, r.nextInt(10));
                    if (len > 0) {
                        byte[] nb = new byte[b.length - len];
                        System.arraycopy(b, 0, nb, 0, at);
                        System.arraycopy(b, at + len, nb, at, b.length - at - len);
                        b = nb;
                    }
                }
            }
        }
        out.writeBytes(b);
        return out.toByteArray();
    }

    private static byte[] input(Random r) {
        if (r.nextInt(5) == 0) {
            byte[] junk = new byte[1 + r.nextInt(300)];
            r.nextBytes(junk);
            return junk;
        }
        return mutate(r, VALID[r.nextInt(VALID.length)].getBytes(StandardCharsets.ISO_8859_1));
    }

    /** Reads what the gateway sends back until it closes or goes quiet. */
    private static byte[] exchange(int port, byte[] payload, boolean halfClose) throws IOException {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            s.setSoTimeout(900);
            try {
                s.getOutputStream().write(payload);
                if (halfClose) {
                    s.shutdownOutput();
                } // else: the connection stays open, so an incomplete head meets the head deadline
            } catch (SocketException closedEarly) {
                // the gateway may close before all of it is written; what it said still counts
            }
            ByteArrayOutputStream got = new ByteArrayOutputStream();
            InputStream in = s.getInputStream();
            byte[] buf = new byte[8192];
            try {
                int n;
                while ((n = in.read(buf)) > 0) {
                    got.write(buf, 0, n);
                }
            } catch (SocketTimeoutException | SocketException quietOrReset) {
                // a connection waiting for the rest of a head, or reset: both are fine answers
            }
            return got.toByteArray();
        }
    }

    @Test
    void randomGarbageAndMutatedRequests_getWellFormedAnswersOrAClose() throws Exception {
        long seed = Long.getLong("garbage.seed", System.nanoTime());
        Random r = new Random(seed);
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), """
                timeouts: {requestHead: 500ms}
                limits: {perClient: {rate: 100000, burst: 100000}, perPrefix: {rate: 100000, burst: 100000}}
                """)) {
            for (int i = 0; i < 400; i++) {
                byte[] payload = input(r);
                boolean halfClose = r.nextInt(4) != 0;
                String shown = new String(payload, StandardCharsets.ISO_8859_1).replace("\r", "\\r").replace("\n", "\\n");
                String reply = new String(exchange(gw.port(), payload, halfClose), StandardCharsets.ISO_8859_1);
                String context = "seed " + seed + ", case " + i + ", input: " + shown + "\nreply: " + reply;
                if (!reply.isEmpty()) {
                    Matcher m = STATUS_LINE.matcher(reply);
                    assertThat(m.lookingAt()).as(context).isTrue();
                    int status = Integer.parseInt(m.group(1));
                    assertThat(EXPECTED).as(context).contains(status);
                    assertThat(reply).as(context).doesNotContain("Exception").doesNotContain("\tat ");
                }
                if (i % 50 == 0) {
                    try (RawHttp normal = new RawHttp("127.4.0.1", gw.port())) {
                        assertThat(normal.get("a", "/").status()).as(context).isEqualTo(200);
                    }
                }
            }
            try (RawHttp normal = new RawHttp("127.4.0.1", gw.port())) {
                assertThat(normal.get("a", "/").status()).isEqualTo(200);
            }
        }
    }
}

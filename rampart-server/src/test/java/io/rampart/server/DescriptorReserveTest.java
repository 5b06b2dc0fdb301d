package io.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rampart.testing.RawHttp;
import io.rampart.testing.TestOrigin;
import java.io.IOException;
import java.net.HttpURLConnection;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * File descriptors are kept in reserve (issue 16, item 4), in a real process started with a hard
 * limit of 1,500 descriptors: client connections may take at most two thirds of those still free
 * at start (the rest covers the test class path's jars, opened as classes load, as well), so a
 * hoard of 1,500 idle connections from many addresses meets Rampart's own connection cap (which closes the
 * idlest) instead of exhausting the process — a newcomer is served, the admin listener answers,
 * and the process never reports "Too many open files".
 */
class DescriptorReserveTest {
    private static final int LIMIT = 1500;
    private static final int HOARD = 1500;

    @Test
    void aHoardOfIdleConnections_meetsTheConnectionCap_beforeTheProcessRunsOutOfDescriptors(@TempDir Path dir) throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            int port = CommandLineTest.freePort();
            int admin = CommandLineTest.freePort();
            List<Socket> hoard = new ArrayList<>();
            try (GatewayProcess gw = new GatewayProcess(java.util.Map.of(), List.of("prlimit", "--nofile=" + LIMIT + ":" + LIMIT, "--"),
                    "run", "--upstream", origin.url(), "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:" + admin,
                    "--data-dir", dir.toString())) {
                List<String> seen = gw.seen;
                assertThat(seen).anySatisfy(l -> assertThat(l).contains("connections.total 10000 lowered to"));
                for (int i = 0; i < HOARD; i++) {
                    Socket s = new Socket();
                    try {
                        s.bind(new InetSocketAddress("127.0." + (100 + i / 100) + "." + (1 + i % 100), 0));
                        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
                        hoard.add(s);
                    } catch (IOException refused) {
                        s.close();
                    }
                }
                // the newcomer is served once the hoard's oldest connections have been idle long enough to be closed
                await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                    try (RawHttp c = new RawHttp("127.0.200.1", port)) {
                        assertThat(c.get("a", "/echo").status()).isEqualTo(200);
                    } catch (IOException e) {
                        throw new AssertionError("newcomer not served: " + e);
                    }
                });
                HttpURLConnection health = (HttpURLConnection) URI.create("http://127.0.0.1:" + admin + "/healthz").toURL().openConnection();
                health.setConnectTimeout(2000);
                health.setReadTimeout(2000);
                assertThat(health.getResponseCode()).as("the admin listener").isEqualTo(200);
                health.disconnect();
                assertThat(seen).noneSatisfy(l -> assertThat(l).containsIgnoringCase("too many open files"));
                assertThat(gw.process.isAlive()).isTrue();
            } finally {
                for (Socket s : hoard) {
                    s.close();
                }
            }
        }
    }
}

package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.TestOrigin;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Nobody can hog the connection table (issue 16, item 4), over real sockets: idle connections from
 * a few networks fill the per-network cap and the total, and newcomers from elsewhere are still
 * served, because the connection that goes is the one open longest doing nothing, from the most
 * crowded network; a connection in the middle of a request is never the one that goes.
 */
@ExtendWith(LeakWatcher.class)
class ConnectionHogTest {
    private static final String CAPS = """
            connections: {perClient: 10, perPrefix: 40, total: 60}
            timeouts: {requestHead: 30s}
            """;

    private final TestOrigin origin = new TestOrigin();
    private final List<Socket> hoard = new ArrayList<>();

    @AfterEach
    void stop() throws IOException {
        for (Socket s : hoard) {
            s.close();
        }
        origin.close();
    }

    private Socket idle(String from, int port) throws IOException {
        Socket s = new Socket();
        s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
        s.connect(new InetSocketAddress("127.0.0.1", port), 2000);
        hoard.add(s);
        return s;
    }

    private static boolean closedByServer(Socket s) {
        return RawHttp.closedByPeer(s);
    }

    private long closedCount() {
        return hoard.stream().filter(ConnectionHogTest::closedByServer).count();
    }

    @Test
    void idleHoardersFillEveryCap_andANewcomerIsStillServed_atTheCostOfTheMostCrowdedNetwork() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), CAPS)) {
            for (int a = 1; a <= 4; a++) {
                for (int i = 0; i < 10; i++) {
                    idle("127.0.90." + a, gw.port());
                }
            }
            for (int a = 1; a <= 2; a++) {
                for (int i = 0; i < 10; i++) {
                    idle("127.0.91." + a, gw.port());
                }
            }
            Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> gw.gateway.openConnections() == 60);
            assertThat(closedCount()).as("60 idle connections fit the total").isZero();

            List<RawHttp> newcomers = new ArrayList<>();
            try {
                for (int n = 1; n <= 5; n++) {
                    String from = "127.0.92." + n;
                    // kept open, so each one needs a slot; the hoard must have been idle a moment first
                    Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> {
                        try {
                            RawHttp c = new RawHttp(from, gw.port());
                            if (c.get("site.test", "/hello").status() == 200) {
                                newcomers.add(c);
                                return true;
                            }
                            c.close();
                        } catch (IOException refused) {
                            // not yet
                        }
                        return false;
                    });
                }
            } finally {
                for (RawHttp c : newcomers) {
                    c.close();
                }
            }
            String metrics = gw.gateway.metrics().scrape();
            assertThat(metrics).contains("rampart_connections_evicted_total{cap=\"total\"} 5.0");
            Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> closedCount() == 5);
            for (int i = 10; i < 40; i++) {
                assertThat(closedByServer(hoard.get(i))).as("the crowded /24's oldest idle connections went first, not %d", i).isFalse();
            }
            for (int i = 40; i < 60; i++) {
                assertThat(closedByServer(hoard.get(i))).as("the other network's connections stay").isFalse();
            }
        }
    }

    @Test
    void oneNetworkCannotTakeMoreThanItsShare_itsOwnIdleConnectionsMakeRoomFirst() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), CAPS)) {
            for (int a = 1; a <= 4; a++) {
                for (int i = 0; i < 10; i++) {
                    idle("127.0.93." + a, gw.port());
                }
            }
            Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> gw.gateway.openConnections() == 40);
            try (RawHttp bystander = new RawHttp("127.0.94.1", gw.port())) {
                assertThat(bystander.get("site.test", "/hello").status()).as("another network is not held to this one's cap").isEqualTo(200);
            }
            // a 41st from the full /24 gets in once the oldest has been idle a moment, and takes its place
            Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> {
                try {
                    return !closedByServer(idle("127.0.93.5", gw.port()));
                } catch (IOException resetWhileConnecting) {
                    return false; // refused: the hoard has not been idle long enough yet
                }
            });
            assertThat(gw.gateway.openConnections()).isEqualTo(40);
            assertThat(gw.gateway.metrics().scrape()).contains("rampart_connections_evicted_total{cap=\"per_prefix\"} 1.0");
            // the oldest went: one of the first address's (two event loops may stamp neighbours out of order)
            assertThat(hoard.subList(0, 10).stream().filter(ConnectionHogTest::closedByServer).count()).isEqualTo(1);
            assertThat(hoard.subList(10, 40).stream().anyMatch(ConnectionHogTest::closedByServer)).isFalse();
        }
    }

    @Test
    void aConnectionInTheMiddleOfARequestIsNeverEvicted_andWhenNothingIsIdleTheNewcomerIsRefused() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(),
                "connections: {perClient: 2, perPrefix: 2, total: 4}\ntimeouts: {requestHead: 30s}\n")) {
            List<CompletableFuture<Integer>> slow = new ArrayList<>();
            for (int i = 1; i <= 4; i++) {
                String from = "127.0." + (94 + i) + ".1"; // four networks, each within its caps
                slow.add(CompletableFuture.supplyAsync(() -> {
                    try (RawHttp c = new RawHttp(from, gw.port())) {
                        return c.get("site.test", "/slow?ms=1500&i=" + from).status();
                    } catch (IOException e) {
                        return -1;
                    }
                }));
            }
            Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> origin.slowInFlight.get() == 4);
            try {
                Socket late = idle("127.0.99.1", gw.port());
                Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() -> closedByServer(late));
            } catch (IOException resetWhileConnecting) {
                // refused so fast that the connect itself saw the reset
            }
            assertThat(gw.gateway.metrics().scrape()).contains("rampart_connections_rejected_total{reason=\"total_cap\"} 1.0")
                    .contains("rampart_connections_evicted_total{cap=\"total\"} 0.0");
            for (CompletableFuture<Integer> f : slow) {
                assertThat(f.get(10, TimeUnit.SECONDS)).as("every request in flight completes").isEqualTo(200);
            }
        }
    }
}

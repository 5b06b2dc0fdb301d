package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.TestOrigin;
import java.io.File;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The real attack tools from Debian's {@code slowhttptest} package against a real gateway: while
 * each attack runs, a normal client on another address is served in under a second, and the
 * gateway names what it cut off. {@code bin/test} installs the tool; without it these are skipped.
 */
@ExtendWith(LeakWatcher.class)
class SlowHttpTestToolTest {
    private static boolean toolPresent() {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(File.pathSeparator)) {
            if (new File(dir, "slowhttptest").canExecute()) {
                return true;
            }
        }
        return false;
    }

    private void attackWhileServingOthers(String extraConfig, String kind, String... modeArgs) throws Exception {
        assumeTrue(toolPresent(), "slowhttptest is not installed (bin/test installs it)");
        try (TestOrigin origin = new TestOrigin();
             GatewayFixture gw = GatewayFixture.simple(origin.url(), extraConfig)) {
            String[] base = {"slowhttptest", "-c", "1000", "-r", "250", "-i", "2", "-l", "9", "-p", "3",
                    "-u", "http://127.0.0.1:" + gw.port() + "/download?size=2097152", "-x", "20"};
            String[] cmd = new String[base.length + modeArgs.length];
            System.arraycopy(base, 0, cmd, 0, base.length);
            System.arraycopy(modeArgs, 0, cmd, base.length, modeArgs.length);
            Process attack = new ProcessBuilder(cmd).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            try {
                Thread.sleep(4000); // the attack ramps up to 1,000 connections
                for (int i = 0; i < 5; i++) {
                    long start = System.nanoTime();
                    try (RawHttp normal = new RawHttp("127.3.0." + (i + 1), gw.port())) {
                        assertThat(normal.get("a", "/").status()).isEqualTo(200);
                    }
                    assertThat((System.nanoTime() - start) / 1_000_000).as("normal client latency ms").isLessThan(1000);
                    Thread.sleep(500);
                }
                assertThat(attack.waitFor(30, TimeUnit.SECONDS)).isTrue();
            } finally {
                attack.destroyForcibly();
            }
            assertThat(gw.gateway.metrics().counterValue("rampart.slow.clients.closed", "kind", kind)).isPositive();
        }
    }

    @Test
    void slowloris_fromSlowhttptest() throws Exception {
        attackWhileServingOthers("timeouts:\n  requestHead: 3s\nconnections:\n  perClient: 5000\n  total: 8000\n", "head", "-H");
    }

    @Test
    void slowPost_fromSlowhttptest() throws Exception {
        attackWhileServingOthers("""
                timeouts:
                  bodyGrace: 2s
                  minBodyRate: 1KB
                connections:
                  perClient: 5000
                  total: 8000
                """, "body", "-B", "-s", "100000");
    }

    @Test
    void slowRead_fromSlowhttptest() throws Exception {
        attackWhileServingOthers("""
                timeouts:
                  clientWrite: 2s
                connections:
                  perClient: 5000
                  total: 8000
                """, "write", "-X", "-w", "1", "-y", "2", "-n", "5", "-z", "1", "-k", "1");
    }
}

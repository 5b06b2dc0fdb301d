package io.rampart.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.rampart.mitigate.GcraTable;
import io.rampart.mitigate.Policy;
import io.rampart.mitigate.PolicyHolder;
import io.rampart.mitigate.RateLimit;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.FeatureHasher;
import io.rampart.traffic.RequestFeatures;
import io.rampart.traffic.TrafficRecorder;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The record, the baseline, the rules and the limiter stay within a fixed heap budget whatever the
 * number of sources: one million distinct addresses (each its own /24 for a quarter of them) go
 * through the data plane's recording and limiting and the control plane's ticks.
 *
 * <p>The budget, per site: the recorder's ring and the tick's copy (2 × 8,192 slots of 9 longs
 * and 4 references, about 1.7 MB), the sampled request heads they point to (at most 16,384, a few
 * hundred bytes each), the baseline's 4,096 rows and per-tick count maps (about 5 MB); the limiter
 * table is sized by {@code limiter.tableSize} (16 bytes a slot). The test allows 64 MB of growth
 * and checks that the second half million costs nothing more than the first.
 */
class MemoryBoundTest {
    private static long usedAfterGc() throws InterruptedException {
        long best = Long.MAX_VALUE;
        for (int i = 0; i < 4; i++) {
            System.gc();
            Thread.sleep(50);
            best = Math.min(best, ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed());
        }
        return best;
    }

    @Test
    void oneMillionDistinctSources_fitAFixedHeapBudget() throws Exception {
        MutableClock clock = new MutableClock(Instant.parse("2026-11-20T19:00:00Z"));
        TrafficRecorder recorder = new TrafficRecorder();
        PolicyHolder holder = new PolicyHolder(Policy.quiet(1));
        FeatureHasher hasher = new FeatureHasher(3);
        Traffic traffic = new Traffic(hasher, holder);
        ControlPlane plane = new ControlPlane(ControlPlaneTest.detection("learnFor: 5s"),
                List.of(new ControlPlane.SiteSpec("s", 0, recorder, () -> false, null)), holder, clock, StateStore.none(), null);
        GcraTable table = new GcraTable(1 << 16);
        RateLimit perClient = RateLimit.of(1, 20, 40);
        try {
            for (int s = 0; s < 8; s++) {
                traffic.normalSecond(recorder, 40);
                clock.advance(Duration.ofSeconds(1));
                plane.tick();
            }
            long before = usedAfterGc();
            long half = 0;
            RequestFeatures f = new RequestFeatures(hasher);
            for (int tick = 0; tick < 20; tick++) {
                for (int i = 0; i < 50_000; i++) {
                    int n = tick * 50_000 + i;
                    ClientAddress client = ClientAddress.parse("10." + (n >>> 16 & 0xff) + "." + (n >>> 8 & 0xff) + "." + (n & 0xff));
                    f.fill(client, Traffic.botHead(HttpMethod.GET, "/search?q=" + (n % 997) + "x" + n, Traffic.BROWSERS.get(n % 3)),
                            "/search?q=" + (n % 997) + "x" + n);
                    table.admit(client.key(), perClient, n * 1000L);
                    traffic.send(recorder, f);
                }
                traffic.normalSecond(recorder, 40);
                clock.advance(Duration.ofSeconds(1));
                plane.tick();
                if (tick == 9) {
                    half = usedAfterGc();
                }
            }
            long after = usedAfterGc();
            System.out.printf("1,000,000 sources: heap grew %.1f MB (%.1f MB over the second half million)%n",
                    (after - before) / 1048576.0, (after - half) / 1048576.0);
            assertThat(plane.view().get(0).state()).isEqualTo("attack");
            assertThat(after - before).as("heap growth for 1,000,000 sources").isLessThan(64L << 20);
            assertThat(after - half).as("the second half million costs no more").isLessThan(16L << 20);
        } finally {
            plane.close();
        }
    }
}

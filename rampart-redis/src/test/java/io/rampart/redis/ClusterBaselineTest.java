package io.rampart.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.proxy.Gateway;
import io.rampart.testing.LoopbackTraffic;
import io.rampart.testing.TestOrigin;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** A node that joins the cluster (scale-out during an attack, a replaced machine) starts from what the cluster learned. */
class ClusterBaselineTest {
    @Test
    void aNewNode_startsFromTheClustersLearnedBaseline_notCold() throws Exception {
        String detection = "detection:\n  tick: 250ms\n  learnFor: 2s\n";
        try (TestOrigin origin = new TestOrigin(); RedisServer redis = RedisServer.start(); ClusterNodes c = new ClusterNodes()) {
            Gateway first = c.start(redis.url(), "gw-a", origin.url(), detection);
            try (LoopbackTraffic traffic = new LoopbackTraffic(ClusterNodes.port(first))) {
                for (int r = 0; r < 6; r++) {
                    traffic.reader(r);
                }
                Awaitility.await().atMost(Duration.ofSeconds(30))
                        .until(() -> first.detection().view().get(0).baselineTicks() >= 12);
            }
            long learned = first.detection().view().get(0).baselineTicks();
            first.stop(Duration.ZERO); // saves its state, which goes to the store as it leaves
            c.nodes.remove(first);

            Gateway late = c.start(redis.url(), "gw-late", origin.url(), detection);
            assertThat(late.detection().view().get(0).baselineTicks()).as("what gw-a had learned").isGreaterThanOrEqualTo(learned);
            assertThat(late.detection().view().get(0).normalRate()).isGreaterThan(0);

            redis.command("SET", "rampart:rampart:detection-state", "{not json");
            Gateway garbled = c.start(redis.url(), "gw-garbled", origin.url(), detection);
            assertThat(garbled.detection().view().get(0).baselineTicks()).as("an unreadable state: learning afresh").isZero();
        }
    }
}

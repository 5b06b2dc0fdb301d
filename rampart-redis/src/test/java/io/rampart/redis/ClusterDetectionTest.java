package io.rampart.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.detect.SiteView;
import io.rampart.proxy.Gateway;
import io.rampart.testing.LoopbackTraffic;
import io.rampart.testing.TestOrigin;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A distributed flood spread over three nodes: the rule one node's detection finds is in force on
 * every node, and nodes that find the same attack keep one rule for it, not one each.
 */
class ClusterDetectionTest {
    @Test
    void aFloodSpreadOverThreeNodes_getsOneRuleEnforcedByEveryNode() throws Exception {
        String detection = "detection:\n  tick: 250ms\n  learnFor: 2s\n";
        List<LoopbackTraffic> traffic = new ArrayList<>();
        try (TestOrigin origin = new TestOrigin(); RedisServer redis = RedisServer.start(); ClusterNodes c = new ClusterNodes()) {
            Gateway[] g = {
                c.start(redis.url(), "gw-a", origin.url(), detection),
                c.start(redis.url(), "gw-b", origin.url(), detection),
                c.start(redis.url(), "gw-c", origin.url(), detection)};
            for (Gateway node : g) {
                LoopbackTraffic t = new LoopbackTraffic(ClusterNodes.port(node));
                traffic.add(t);
                for (int r = 0; r < 6; r++) {
                    t.reader(r);
                }
            }
            Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> {
                for (Gateway node : g) {
                    if (node.detection().view().get(0).baselineTicks() < 16) {
                        return false;
                    }
                }
                return true;
            });
            for (LoopbackTraffic t : traffic) {
                t.botnet(2);
            }
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (Gateway node : g) {
                    if (node.detection().view().get(0).rules().isEmpty()) {
                        return false;
                    }
                }
                return true;
            });
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> traffic.stream().allMatch(t -> t.botRefusals.get() > 100));
            Set<String> conditions = new HashSet<>();
            for (Gateway node : g) {
                SiteView v = node.detection().view().get(0);
                Set<String> own = new HashSet<>();
                for (SiteView.RuleView r : v.rules()) {
                    assertThat(own.add(r.conditions())).as("one rule per signature on %s: %s", node, v.rules()).isTrue();
                    conditions.add(r.conditions());
                }
            }
            assertThat(conditions).as("the nodes hold the same rules").hasSizeLessThanOrEqualTo(2);
            boolean shared = false;
            for (Gateway node : g) {
                shared |= String.join("\n", node.detection().view().get(0).events()).contains("found by node gw-");
            }
            assertThat(shared).as("at least one node took its rule from another").isTrue();
            System.out.println("rules: " + conditions);
        } finally {
            for (LoopbackTraffic t : traffic) {
                t.close();
            }
        }
    }
}

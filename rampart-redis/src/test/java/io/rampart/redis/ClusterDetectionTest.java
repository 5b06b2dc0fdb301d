package io.rampart.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.detect.SiteView;
import io.rampart.incident.IncidentRecord;
import io.rampart.testing.AlertReceivers;
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
    void aFloodSpreadOverThreeNodes_getsOneRuleEnforcedByEveryNode_oneIncident_andOneAlert() throws Exception {
        List<LoopbackTraffic> traffic = new ArrayList<>();
        try (TestOrigin origin = new TestOrigin(); RedisServer redis = RedisServer.start(); ClusterNodes c = new ClusterNodes();
             AlertReceivers receivers = new AlertReceivers()) {
            String detection = "detection:\n  tick: 500ms\n  learnFor: 3s\nalerts:\n  webhooks: [{url: '" + receivers.webhook(0) + "'}]\n";
            Gateway[] g = {
                c.start(redis.url(), "gw-a", origin.url(), detection),
                c.start(redis.url(), "gw-b", origin.url(), detection),
                c.start(redis.url(), "gw-c", origin.url(), detection)};
            Gateway quiet = c.start(redis.url(), "gw-quiet", origin.url(), detection); // no traffic: it learns the rule from the others
            for (Gateway node : g) {
                LoopbackTraffic t = new LoopbackTraffic(ClusterNodes.port(node));
                traffic.add(t);
                for (int r = 0; r < 12; r++) { // a baseline knows enough from ten distinct clients on
                    t.reader(r);
                }
            }
            // 40 ticks, not 10: the bots ramp up over a tick or two below the surge threshold, and a
            // baseline of 10 ticks learns each such tick at 1/11 weight, enough bot rows to put the
            // botnet's rule at 10-17% collateral and have it declined (issue 17's cold start)
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (Gateway node : g) {
                    SiteView v = node.detection().view().get(0);
                    if (v.baselineTicks() < 40 || v.signals().contains("still learning")) {
                        return false;
                    }
                }
                return true;
            });
            for (LoopbackTraffic t : traffic) {
                t.botnet(6);
            }
            Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> {
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
            assertThat(conditions).as("nodes that find one attack at once keep one rule").hasSize(1);
            Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> !quiet.detection().view().get(0).rules().isEmpty());
            assertThat(quiet.detection().view().get(0).rules().get(0).conditions()).isEqualTo(conditions.iterator().next());
            assertThat(String.join("\n", quiet.detection().view().get(0).events())).contains("found by node gw-");
            System.out.println("rules: " + conditions);

            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> {
                for (Gateway node : g) {
                    if (node.incidents().openIncident("campaign") == null) {
                        return false; // a node that received the rule before its own detector called the attack opens a moment later
                    }
                }
                return true;
            });
            String id = g[0].incidents().openIncident("campaign");
            for (Gateway node : g) {
                assertThat(node.incidents().openIncident("campaign")).as("one incident for the cluster").isEqualTo(id);
            }
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                IncidentRecord merged = g[1].incidents().find(id).orElseThrow();
                return merged.node().split(", ").length >= 3;
            });
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> {
                IncidentRecord own = g[2].incidents().findHere(id).orElseThrow();
                IncidentRecord all = g[2].incidents().find(id).orElseThrow();
                return all.mitigation().refused() > own.mitigation().refused() + 50; // the other nodes' refusals too
            });
            IncidentRecord merged = g[2].incidents().find(id).orElseThrow();
            assertThat(merged.timeline()).anySatisfy(e -> assertThat(e.text()).startsWith("[gw-a]"))
                    .anySatisfy(e -> assertThat(e.text()).startsWith("[gw-c]"));
            Awaitility.await().atMost(Duration.ofSeconds(10)).until(() -> receivers.webhookBodies.stream()
                    .anyMatch(b -> b.contains("incident.opened")));
            Thread.sleep(1000); // a second alert, if a node sent one, would have arrived by now (its sender retries within 1 s)
            assertThat(receivers.webhookBodies.stream().filter(b -> b.contains("incident.opened")).count())
                    .as("the opening alert, sent once for the cluster").isEqualTo(1);
        } finally {
            for (LoopbackTraffic t : traffic) {
                t.close();
            }
        }
    }
}

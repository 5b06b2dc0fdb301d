package io.rampart.redis;

import static io.rampart.redis.ClusterNodes.get;
import static io.rampart.redis.ClusterNodes.liveNodes;
import static io.rampart.redis.ClusterNodes.port;
import static io.rampart.redis.ClusterNodes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rampart.config.MitigationStep;
import io.rampart.proxy.Gateway;
import io.rampart.testing.OriginExtension;
import io.rampart.testing.RawHttp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The store is a helper, never a single point of failure: killed, wrong, foreign, garbled or
 * absent, every node keeps serving on its own state, and the cluster comes together again when
 * the store returns.
 */
class ClusterFailureTest {
    @RegisterExtension
    static final OriginExtension ORIGIN = new OriginExtension();

    @Test
    void storeKilled_nodesKeepServing_andWhenItReturnsEmpty_whatWasDecidedMeanwhileAndBeforeReachesEveryNode() throws Exception {
        try (RedisServer redis = RedisServer.start(); ClusterNodes c = new ClusterNodes()) {
            Gateway a = c.start(redis.url(), "gw-a", ORIGIN.url(), "");
            Gateway b = c.start(redis.url(), "gw-b", ORIGIN.url(), "");
            a.detection().addRule("campaign", Map.of("path", "/before"), MitigationStep.BLOCK, Duration.ofHours(1), "operator");
            await().atMost(Duration.ofSeconds(5)).until(() -> status("127.0.45.1", b, "/before") == 403);

            redis.kill();
            await().atMost(Duration.ofSeconds(10)).until(() -> !a.cluster().storeUp() && !b.cluster().storeUp());
            assertThat(status("127.0.45.2", a, "/news")).isEqualTo(200);
            assertThat(status("127.0.45.2", b, "/news")).isEqualTo(200);
            assertThat(status("127.0.45.2", b, "/before")).as("rules in force stay in force").isEqualTo(403);
            a.lists().add("deny", "127.0.46.0/24", "operator", "while the store was down", Instant.now());
            assertThat(a.cluster().describe()).containsEntry("storeUp", false).containsKey("storeError");

            redis.startAgain(); // empty: no persistence
            await().atMost(Duration.ofSeconds(15)).until(() -> RawHttp.turnedAway("127.0.46.9", port(b), 2000));

            Gateway late = c.start(redis.url(), "gw-late", ORIGIN.url(), "");
            await().atMost(Duration.ofSeconds(10)).until(() -> status("127.0.45.3", late, "/before") == 403);
            await().atMost(Duration.ofSeconds(10)).until(() -> RawHttp.turnedAway("127.0.46.9", port(late), 2000));
            await().atMost(Duration.ofSeconds(10)).until(() -> liveNodes(a) == 3);
        }
    }

    @Test
    void aDatabaseOfAnotherCluster_isRefused_andTheNodeServesOnItsOwn() throws Exception {
        try (RedisServer redis = RedisServer.start(); ClusterNodes c = new ClusterNodes()) {
            assertThat(redis.command("SET", "rampart:owner", "elections-2027")).isEqualTo("+OK");
            Gateway a = c.start(redis.url(), "gw-a", ORIGIN.url(), "");
            assertThat(status("127.0.47.1", a, "/news")).isEqualTo(200);
            Map<String, Object> d = a.cluster().describe();
            assertThat(d).containsEntry("storeUp", false);
            assertThat((String) d.get("refused")).contains("cluster 'elections-2027'", "cluster.name: elections-2027");
            assertThat(redis.command("EXISTS", "rampart:rampart:nodes")).as("nothing written into the other cluster's database")
                    .isEqualTo(":0");
        }
    }

    @Test
    void aPortThatIsNotRedis_aWrongPassword_andNoServerAtAll_leaveTheNodeServingAlone() throws Exception {
        try (RedisServer locked = RedisServer.start("--requirepass", "the-right-one"); ClusterNodes c = new ClusterNodes()) {
            String[] stores = {
                "redis://127.0.0.1:" + ORIGIN.origin().port() + "/0", // an HTTP server
                "redis://:wrong@127.0.0.1:" + locked.port() + "/0",
                "redis://127.0.0.1:1/0"};
            for (int i = 0; i < stores.length; i++) {
                Gateway g = c.start(stores[i], "gw-" + i, ORIGIN.url(), "");
                assertThat(status("127.0.48." + (i + 1), g, "/news")).as(stores[i]).isEqualTo(200);
                assertThat(g.cluster().storeUp()).as(stores[i]).isFalse();
                assertThat(g.cluster().describe().get("storeError")).as(stores[i]).isNotNull();
                assertThat(g.lists().add("deny", "127.0.49.0/24", "operator", "", Instant.now())).isNotNull();
            }
            // the first attempt can end as "connection closed prematurely" during the handshake (seen once in
            // CI); the node keeps trying every second, and names the refused password then
            await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> assertThat(String.valueOf(c.nodes.get(1).cluster().describe()
                    .get("storeError"))).containsAnyOf("WRONGPASS", "NOAUTH", "invalid"));
        }
    }

    @Test
    void garbageInTheDecisionLog_isSkipped_andTheDecisionsAfterItStillApply() throws Exception {
        try (RedisServer redis = RedisServer.start(); ClusterNodes c = new ClusterNodes()) {
            Gateway a = c.start(redis.url(), "gw-a", ORIGIN.url(), "");
            Gateway b = c.start(redis.url(), "gw-b", ORIGIN.url(), "");
            String log = "rampart:rampart:decisions";
            redis.command("XADD", log, "*", "kind", "NONSENSE", "args", "{}");
            redis.command("XADD", log, "*", "kind", "LIST_ADD", "args", "not json", "end", "x");
            redis.command("XADD", log, "*", "kind", "LIST_ADD", "args", "{\"list\":\"deny\",\"cidr\":\"not-a-network\"}", "end", "0");
            redis.command("XADD", log, "*", "kind", "RULE_ADD", "site", "nowhere", "args", "{\"id\":\"x\",\"step\":\"block\",\"match.path\":\"/\"}", "end", "0");
            redis.command("XADD", log, "*", "kind", "AUTO_RULE", "site", "campaign", "args", "{\"key\":\"0\",\"cond.0\":\"PATH|zz|/\"}", "end", "0");
            redis.command("SET", "rampart:rampart:rl:1", "not a number");
            a.lists().add("deny", "127.0.50.0/24", "operator", "", Instant.now());
            await().atMost(Duration.ofSeconds(5)).until(() -> RawHttp.turnedAway("127.0.50.1", port(b), 2000));
            assertThat(b.lists().runtimeEntries()).singleElement().satisfies(e -> assertThat(e.cidr()).isEqualTo("127.0.50.0/24"));
            assertThat(status("127.0.51.1", b, "/news")).isEqualTo(200);
        }
    }

    @Test
    void aNodeThatStopsBeating_isDroppedFromTheView_andOneThatStopsCleanlyLeavesAtOnce() throws Exception {
        try (RedisServer redis = RedisServer.start(); ClusterNodes c = new ClusterNodes()) {
            Gateway a = c.start(redis.url(), "gw-a", ORIGIN.url(), "");
            Gateway b = c.start(redis.url(), "gw-b", ORIGIN.url(), "");
            Gateway d = c.start(redis.url(), "gw-c", ORIGIN.url(), "");
            await().atMost(Duration.ofSeconds(10)).until(() -> liveNodes(a) == 3 && a.metrics().scrape().contains("rampart_cluster_nodes 3.0"));

            c.links.get(d).halt(); // as if its process died: no goodbye
            await().atMost(Duration.ofSeconds(10)).until(() -> liveNodes(a) == 2 && a.metrics().scrape().contains("rampart_cluster_nodes 2.0"));

            b.stop(Duration.ZERO);
            c.nodes.remove(b);
            await().atMost(Duration.ofSeconds(3)).until(() -> liveNodes(a) == 1);
        }
    }
}

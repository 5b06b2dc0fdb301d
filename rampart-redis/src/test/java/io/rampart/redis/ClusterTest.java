package io.rampart.redis;

import static io.rampart.redis.ClusterNodes.get;
import static io.rampart.redis.ClusterNodes.port;
import static io.rampart.redis.ClusterNodes.status;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rampart.challenge.ProofOfWork;
import io.rampart.config.MitigationStep;
import io.rampart.proxy.Gateway;
import io.rampart.testing.OriginExtension;
import io.rampart.testing.RawHttp;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Three gateways, one real {@code redis-server}: what one node decides, the others enforce; a
 * clearance earned on one passes on the others; a client spread over the nodes meets one limit.
 */
class ClusterTest {
    private static final Pattern TICKET = Pattern.compile("data-ticket=\"([A-Za-z0-9_-]+)\" data-bits=\"(\\d+)\"");
    @RegisterExtension
    static final OriginExtension ORIGIN = new OriginExtension();

    @Test
    void aDenyEntryAnOperatorRuleAndTheUnderAttackSwitch_madeOnOneNode_areEnforcedByTheOthers() throws Exception {
        try (RedisServer redis = RedisServer.start(); ClusterNodes c = new ClusterNodes()) {
            Gateway a = c.start(redis.url(), "gw-a", ORIGIN.url(), "");
            Gateway b = c.start(redis.url(), "gw-b", ORIGIN.url(), "");
            Gateway d = c.start(redis.url(), "gw-c", ORIGIN.url(), "");
            assertThat(status("127.0.41.1", b, "/blocked")).isEqualTo(200);

            a.lists().add("deny", "127.0.42.0/24", "operator", "botnet", Instant.now());
            String id = a.detection().addRule("campaign", Map.of("path", "/blocked"), MitigationStep.BLOCK, null, "operator");
            a.underAttack("campaign", true);

            for (Gateway other : new Gateway[] {b, d}) {
                await().atMost(Duration.ofSeconds(5)).until(() -> RawHttp.turnedAway("127.0.42.7", port(other), 2000));
                await().atMost(Duration.ofSeconds(5)).until(() -> status("127.0.41.1", other, "/blocked") == 403);
                await().atMost(Duration.ofSeconds(5)).until(() -> {
                    try (RawHttp h = new RawHttp("127.0.41.2", port(other))) {
                        return "pow".equals(get(h, "/news", null).header("x-rampart-challenge"));
                    }
                });
            }
            assertThat(b.lists().runtimeEntries()).singleElement()
                    .satisfies(e -> assertThat(e.by()).isEqualTo("operator (node gw-a)"));

            assertThat(a.detection().removeRule(id, "operator")).isTrue();
            a.lists().remove("deny", "127.0.42.0/24");
            a.underAttack("campaign", false);
            await().atMost(Duration.ofSeconds(5)).until(() -> status("127.0.42.7", b, "/blocked") == 200);
            assertThat(b.cluster().describe()).containsEntry("storeUp", true).containsEntry("node", "gw-b");
        }
    }

    @Test
    void aClearanceEarnedOnOneNode_passesOnAnother_andItsSolutionIsSpentThereToo() throws Exception {
        try (RedisServer redis = RedisServer.start(); ClusterNodes c = new ClusterNodes()) {
            Gateway a = c.start(redis.url(), "gw-a", ORIGIN.url(), "");
            Gateway b = c.start(redis.url(), "gw-b", ORIGIN.url(), "");
            a.underAttack("campaign", true);
            await().atMost(Duration.ofSeconds(5)).until(() -> status("127.0.43.1", b, "/x") == 403);

            String solved;
            String clearance;
            try (RawHttp h = new RawHttp("127.0.43.2", port(a))) {
                RawHttp.Response page = get(h, "/news", null);
                Matcher m = TICKET.matcher(page.text());
                assertThat(m.find()).isTrue();
                solved = "rampart_pow=" + m.group(1) + "." + ProofOfWork.solve(m.group(1), Integer.parseInt(m.group(2)));
                RawHttp.Response through = get(h, "/news", solved);
                assertThat(through.status()).isEqualTo(200);
                Matcher cm = Pattern.compile("rampart_clearance=([A-Za-z0-9_-]+)").matcher(through.header("set-cookie"));
                assertThat(cm.find()).isTrue();
                clearance = "rampart_clearance=" + cm.group(1);
            }
            try (RawHttp h = new RawHttp("127.0.43.2", port(b))) {
                assertThat(get(h, "/news", clearance).status()).as("node A's clearance on node B").isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> {
                try (RawHttp h = new RawHttp("127.0.43.2", port(b))) {
                    return get(h, "/news", solved).status() == 403; // the same solution, replayed on node B
                }
            });
        }
    }

    @Test
    void aClientSpreadOverThreeNodes_isHeldToItsOneLimit() throws Exception {
        String limits = "limits:\n  perClient: {rate: 20, burst: 20}\n  perPrefix: {rate: 10000, burst: 10000}\n";
        try (RedisServer redis = RedisServer.start(); ClusterNodes c = new ClusterNodes()) {
            Gateway[] g = {
                c.start(redis.url(), "gw-a", ORIGIN.url(), limits),
                c.start(redis.url(), "gw-b", ORIGIN.url(), limits),
                c.start(redis.url(), "gw-c", ORIGIN.url(), limits)};
            await().atMost(Duration.ofSeconds(10)).until(() -> g[0].cluster().describe().get("nodes") instanceof java.util.List<?> l
                    && l.size() == 3);
            RawHttp[] conn = new RawHttp[3];
            for (int i = 0; i < 3; i++) {
                conn[i] = new RawHttp("127.0.44.1", port(g[i]));
            }
            int admitted = 0;
            long start = System.nanoTime();
            long end = start + Duration.ofSeconds(4).toNanos();
            for (int i = 0; System.nanoTime() < end; i++) {
                RawHttp.Response r = get(conn[i % 3], "/n" + i, null);
                if (r.status() == 200) {
                    admitted++;
                }
            }
            double seconds = (System.nanoTime() - start) / 1e9;
            for (RawHttp h : conn) {
                h.close();
            }
            double allowed = 20 + 20 * seconds;
            assertThat(admitted).as("one limit (20 + 20/s for %.1f s), not three", seconds)
                    .isBetween((int) (allowed * 0.8), (int) (allowed * 1.3)); // without the cluster: about 2.5 times
        }
    }
}

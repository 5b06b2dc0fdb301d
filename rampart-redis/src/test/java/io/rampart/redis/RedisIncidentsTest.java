package io.rampart.redis;

import static org.assertj.core.api.Assertions.assertThat;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.rampart.incident.IncidentMerge;
import io.rampart.incident.IncidentRecord;
import io.rampart.incident.IncidentRegistry;
import io.rampart.incident.Samples;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** One incident per site and attack across nodes, over a real redis-server. */
class RedisIncidentsTest {
    @Test
    void theFirstNodeNamesTheIncident_theOthersJoinIt_eachRecordReachesTheOthers_andTheLastToCloseFreesTheName() throws Exception {
        try (RedisServer redis = RedisServer.start()) {
            RedisClient client = RedisClient.create(redis.url());
            try (StatefulRedisConnection<String, String> c = client.connect()) {
                RedisCommands<String, String> r = c.sync();
                Keys keys = new Keys("rampart");
                StoreHealth health = new StoreHealth("test");
                health.ok(0, 0);
                RedisIncidents a = new RedisIncidents(keys, "gw-a", health, () -> r);
                RedisIncidents b = new RedisIncidents(keys, "gw-b", health, () -> r);

                IncidentRegistry.Claim first = a.claim("campaign", "campaign-20261120-190001");
                IncidentRegistry.Claim second = b.claim("campaign", "campaign-20261120-190003");
                assertThat(first).isEqualTo(new IncidentRegistry.Claim("campaign-20261120-190001", true, "gw-a"));
                assertThat(second).isEqualTo(new IncidentRegistry.Claim("campaign-20261120-190001", false, "gw-a"));

                IncidentRecord ra = Samples.closed("campaign-20261120-190001", false);
                IncidentRecord rb = withNode(ra, "gw-b");
                a.contribute(ra);
                b.contribute(rb);
                a.flush(r);
                b.flush(r);
                assertThat(b.others(ra.id())).singleElement().satisfies(o -> assertThat(o.node()).isEqualTo(ra.node()));
                assertThat(a.others(ra.id())).singleElement().satisfies(o -> assertThat(o.node()).isEqualTo("gw-b"));
                List<IncidentRecord> both = new ArrayList<>(List.of(ra, rb));
                IncidentRecord merged = IncidentMerge.merge(both);
                assertThat(merged.mitigation().refused()).isEqualTo(2 * ra.mitigation().refused());
                assertThat(merged.profile().requests()).isEqualTo(2 * ra.profile().requests());
                assertThat(merged.timeline()).hasSize(2 * ra.timeline().size());

                a.release("campaign", ra.id());
                a.flush(r);
                assertThat(r.get("rampart:rampart:incident:campaign")).as("gw-b still holds it").startsWith(ra.id());
                b.release("campaign", ra.id());
                b.flush(r);
                assertThat(r.get("rampart:rampart:incident:campaign")).as("the next attack is a new incident").isNull();
                assertThat(b.claim("campaign", "campaign-20261120-200000").id()).isEqualTo("campaign-20261120-200000");

                r.set("rampart:rampart:incident:other", "garbage without a bar");
                assertThat(a.claim("other", "other-1")).isEqualTo(new IncidentRegistry.Claim("other-1", true, "gw-a"));
                r.hset("rampart:rampart:incident:x-1", "gw-z", "{not json");
                assertThat(a.others("x-1")).isEmpty();
                assertThat(a.others("../../etc")).isEmpty();
            } finally {
                client.shutdown();
            }
        }
    }

    private static IncidentRecord withNode(IncidentRecord r, String node) {
        return new IncidentRecord(r.id(), r.site(), r.status(), r.openedAt(), r.openedBy(), r.attackStartedAt(), r.mitigatedAt(),
                r.closedAt(), r.closedBy(), node, r.vectors(), r.profile(), r.mitigation(), r.impact(), r.egress(), r.rules(),
                r.timeline(), r.timelineDropped());
    }
}

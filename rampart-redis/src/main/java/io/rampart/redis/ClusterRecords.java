package io.rampart.redis;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.rampart.config.ClusterConfig;
import io.rampart.incident.IncidentRecord;
import java.time.Duration;
import java.util.List;

/**
 * Every node's record of one incident, read from the cluster's store by a command that is not a
 * running gateway ({@code rampart report ID --config FILE}).
 */
public final class ClusterRecords {
    private ClusterRecords() {
    }

    /**
     * The records the nodes of {@code cluster} keep in the store for incident {@code id}.
     *
     * @throws IllegalStateException naming the store and why, when it cannot be read
     */
    public static List<IncidentRecord> of(ClusterConfig cluster, String id) {
        RedisURI uri = RedisCluster.uri(cluster);
        RedisClient client = RedisClient.create(uri);
        try (StatefulRedisConnection<String, String> c = client.connect()) {
            StoreHealth health = new StoreHealth(RedisCluster.redact(cluster.store()));
            health.ok(0, 0);
            return new RedisIncidents(new Keys(cluster.name()), "", health, c::sync).others(id);
        } catch (RuntimeException e) {
            throw new IllegalStateException("cluster store " + RedisCluster.redact(cluster.store()) + ": " + StoreHealth.describe(e), e);
        } finally {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }
}

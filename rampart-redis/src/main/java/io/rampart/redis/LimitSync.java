package io.rampart.redis;

import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.sync.RedisCommands;
import io.rampart.mitigate.LimitExchange;
import io.rampart.proxy.ClusterMember;
import java.util.List;

/**
 * Cluster-wide rate limits: each interval, the busiest keys' local charges go into one GCRA bucket
 * per key in the store, and the bucket's backlog comes back into the local bucket.
 *
 * <p>Design note (decision 0024): the data plane never calls the store. It admits against its
 * local bucket, counts what it admitted ({@link LimitExchange}), and every
 * {@code cluster.syncInterval} this class sends the counts of the {@code cluster.maxSyncKeys}
 * busiest keys in one script call per {@value #CHUNK} keys. The script, with the store's clock,
 * advances each key's cluster TAT by {@code count × T} (from {@code max(TAT, now)}), caps the debt
 * at the tolerance plus ten seconds, keeps the key until its TAT has passed plus one second, and
 * answers the backlog {@code TAT − now}; the local bucket takes it ({@code GcraTable.align}).
 * Between syncs each node admits on its own, so the cluster over-admits at most what the other
 * nodes' buckets let through in one interval — {@code (N − 1) × rate × interval} in steady state —
 * and repays it from the shared backlog at the next sync; at a key's onset, a bucket found full
 * starts with {@code burst / N} until then, so N nodes admit one burst between them. Store traffic
 * is one call per {@value #CHUNK} keys per interval per node, whatever the request rate, and the
 * store holds at most {@code maxSyncKeys} fresh keys per node per interval, each for its backlog
 * plus one second.
 */
final class LimitSync {
    static final int CHUNK = 256;
    static final String SCRIPT = String.join("\n",
            "local t = redis.call('TIME')",
            "local now = tonumber(t[1]) * 1000000 + tonumber(t[2])",
            "local out = {}",
            "for i, k in ipairs(KEYS) do",
            "  local c = tonumber(ARGV[3 * i - 2]) or 0",
            "  local step = tonumber(ARGV[3 * i - 1]) or 0",
            "  local tau = tonumber(ARGV[3 * i]) or 0",
            "  local tat = tonumber(redis.call('GET', k) or '0') or 0",
            "  if tat < now then tat = now end",
            "  tat = tat + c * step",
            "  local cap = now + tau + 10000000",
            "  if tat > cap then tat = cap end",
            "  redis.call('SET', k, string.format('%.0f', tat), 'PX', math.floor((tat - now) / 1000) + 1000)",
            "  out[i] = tat - now",
            "end",
            "return out");

    private final Keys keys;
    private final StoreHealth health;
    private final int maxKeys;
    private volatile long syncedKeys;
    private volatile long lastKeys;

    LimitSync(Keys keys, StoreHealth health, int maxKeys) {
        this.keys = keys;
        this.health = health;
        this.maxKeys = maxKeys;
    }

    /** One reconciliation: drain, charge the store, align. Counts are lost when the store does not answer (fail-static). */
    void sync(RedisCommands<String, String> redis, ClusterMember member) {
        LimitExchange.Charge[] charges = member.limits().drain(maxKeys);
        int n = 0;
        for (LimitExchange.Charge c : charges) {
            if (c != null) {
                charges[n++] = c;
            }
        }
        lastKeys = n;
        for (int from = 0; from < n; from += CHUNK) {
            int to = Math.min(n, from + CHUNK);
            String[] k = new String[to - from];
            String[] args = new String[3 * (to - from)];
            for (int i = from; i < to; i++) {
                LimitExchange.Charge c = charges[i];
                k[i - from] = keys.limit(c.clusterKey());
                args[3 * (i - from)] = Long.toString(c.count());
                args[3 * (i - from) + 1] = Long.toString(Math.max(1, c.limit().emissionIntervalNanos() / 1000));
                args[3 * (i - from) + 2] = Long.toString(c.limit().toleranceNanos() / 1000);
            }
            long t0 = System.nanoTime();
            List<Object> backlogs;
            try {
                backlogs = redis.eval(SCRIPT, ScriptOutputType.MULTI, k, args);
                health.ok(System.nanoTime() - t0, 1);
            } catch (RuntimeException e) {
                health.failed(e);
                return;
            }
            for (int i = from; i < to && i - from < backlogs.size(); i++) {
                Object b = backlogs.get(i - from);
                if (b instanceof Long) {
                    member.align(charges[i], (Long) b * 1000);
                }
            }
            syncedKeys += to - from;
        }
    }

    long syncedKeys() {
        return syncedKeys;
    }

    long lastKeys() {
        return lastKeys;
    }
}

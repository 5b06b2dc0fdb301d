package io.rampart.redis;

import io.lettuce.core.SetArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.rampart.incident.IncidentJson;
import io.rampart.incident.IncidentRecord;
import io.rampart.incident.IncidentRegistry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One incident per site and attack for the whole cluster: the first node to open one names it
 * ({@code incident:SITE} = {@code id|node}, kept while any node holds it open and for
 * {@value #HOLD_SECONDS} s after the last refresh), the others join it under the same id, every
 * node's record of it is kept beside it, the nodes holding it open in {@code incident:ID:open} (the last
 * to close it frees the site's name, so the next attack is a new incident), ({@code incident:ID}, a hash by node, for
 * {@value #KEEP_DAYS} days) so that the report from any node is the cluster's, and only the node that
 * opened it sends its alerts. When the store does not answer, a node opens its own incident and
 * sends its own alerts: one too many is better than none.
 */
final class RedisIncidents implements IncidentRegistry {
    static final int HOLD_SECONDS = 30;
    static final int KEEP_DAYS = 90;
    private static final Logger LOG = LoggerFactory.getLogger(RedisIncidents.class);

    private final Keys keys;
    private final String node;
    private final StoreHealth health;
    private final Supplier<RedisCommands<String, String>> store;
    private final Map<String, IncidentRecord> pending = new ConcurrentHashMap<>();
    private final Map<String, String> released = new ConcurrentHashMap<>();

    RedisIncidents(Keys keys, String node, StoreHealth health, Supplier<RedisCommands<String, String>> store) {
        this.keys = keys;
        this.node = node;
        this.health = health;
        this.store = store;
    }

    @Override
    public Claim claim(String site, String proposedId) {
        RedisCommands<String, String> redis = health.up() ? store.get() : null;
        if (redis == null) {
            return new Claim(proposedId, true, node);
        }
        long t0 = System.nanoTime();
        try {
            String key = keys.prefix() + "incident:" + site;
            String mine = proposedId + "|" + node;
            String set = redis.set(key, mine, SetArgs.Builder.nx().px(HOLD_SECONDS * 1000L));
            String held = "OK".equals(set) ? mine : redis.get(key);
            health.ok(System.nanoTime() - t0, 2);
            int bar = held == null ? -1 : held.lastIndexOf('|');
            if (bar <= 0 || !held.substring(0, bar).matches("[A-Za-z0-9_.:-]{1,128}")) {
                LOG.warn("cluster store: {} holds '{}', not an incident; this node opens its own", key, held);
                return new Claim(proposedId, true, node);
            }
            String id = held.substring(0, bar);
            String opener = held.substring(bar + 1);
            redis.sadd(keys.prefix() + "incident:" + id + ":open", node);
            redis.pexpire(keys.prefix() + "incident:" + id + ":open", HOLD_SECONDS * 1000L);
            return new Claim(id, node.equals(opener), opener);
        } catch (RuntimeException e) {
            health.failed(e);
            return new Claim(proposedId, true, node);
        }
    }

    @Override
    public void contribute(IncidentRecord record) {
        pending.put(record.id(), record);
    }

    @Override
    public void release(String site, String id) {
        released.put(id, site);
    }

    /** Sends queued records and releases (on the link's thread, each beat). */
    void flush(RedisCommands<String, String> redis) {
        for (IncidentRecord r : new ArrayList<>(pending.values())) {
            long t0 = System.nanoTime();
            try {
                String json = IncidentJson.MAPPER.writeValueAsString(r);
                redis.hset(keys.prefix() + "incident:" + r.id(), node, json);
                redis.expire(keys.prefix() + "incident:" + r.id(), Duration.ofDays(KEEP_DAYS));
                if (r.open()) {
                    String key = keys.prefix() + "incident:" + r.site();
                    String held = redis.get(key);
                    if (held != null && held.startsWith(r.id() + "|")) {
                        redis.pexpire(key, HOLD_SECONDS * 1000L);
                        redis.pexpire(keys.prefix() + "incident:" + r.id() + ":open", HOLD_SECONDS * 1000L);
                    }
                }
                health.ok(System.nanoTime() - t0, 5);
                pending.remove(r.id(), r);
            } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
                pending.remove(r.id(), r);
            } catch (RuntimeException e) {
                health.failed(e);
                return;
            }
        }
        for (Map.Entry<String, String> e : new ArrayList<>(released.entrySet())) {
            String id = e.getKey();
            String siteKey = keys.prefix() + "incident:" + e.getValue();
            String open = keys.prefix() + "incident:" + id + ":open";
            long t0 = System.nanoTime();
            try {
                redis.srem(open, node);
                if (redis.scard(open) == 0) { // the last node to hold it: the next attack is a new incident
                    String held = redis.get(siteKey);
                    if (held != null && held.startsWith(id + "|")) {
                        redis.del(siteKey);
                    }
                }
                health.ok(System.nanoTime() - t0, 4);
                released.remove(id, e.getValue());
            } catch (RuntimeException ex) {
                health.failed(ex);
                return;
            }
        }
    }

    @Override
    public List<IncidentRecord> others(String id) {
        RedisCommands<String, String> redis = health.up() ? store.get() : null;
        if (redis == null || id == null || !id.matches("[A-Za-z0-9_.:-]{1,128}")) {
            return List.of();
        }
        long t0 = System.nanoTime();
        Map<String, String> all;
        try {
            all = redis.hgetall(keys.prefix() + "incident:" + id);
            health.ok(System.nanoTime() - t0, 1);
        } catch (RuntimeException e) {
            health.failed(e);
            return List.of();
        }
        List<IncidentRecord> out = new ArrayList<>();
        for (Map.Entry<String, String> e : all.entrySet()) {
            if (node.equals(e.getKey())) {
                continue;
            }
            try {
                IncidentRecord r = IncidentJson.MAPPER.readValue(e.getValue(), IncidentRecord.class);
                if (r != null && id.equals(r.id())) {
                    out.add(r);
                }
            } catch (java.io.IOException | RuntimeException bad) {
                LOG.warn("cluster store: node {}'s record of incident {} is unreadable and left out of the report", e.getKey(), id);
            }
        }
        return out;
    }
}

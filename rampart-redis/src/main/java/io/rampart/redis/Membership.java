package io.rampart.redis;

import io.lettuce.core.Range;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Heartbeats with expiry: every second a node stamps itself in a sorted set (score: the store's
 * clock) and refreshes a small hash of its figures that expires after {@value #EXPIRY_MILLIS} ms. A
 * node that has not beaten within that time is dropped from the view by the next node to beat,
 * and the live count (which splits the shared bursts) shrinks with it. Each beat also measures the
 * store's clock against this node's, so that decisions' ends survive nodes whose clocks disagree.
 */
final class Membership {
    static final long EXPIRY_MILLIS = 3_000;

    private final Keys keys;
    private final String node;
    private final StoreHealth health;
    private final long startedMillis = System.currentTimeMillis();
    private volatile long offsetMillis;
    private volatile List<String> live = List.of();
    private long lastRequests = -1;
    private long lastBeatNanos;
    private volatile double rate;

    Membership(Keys keys, String node, StoreHealth health) {
        this.keys = keys;
        this.node = node;
        this.health = health;
    }

    /** One beat; returns the live nodes (this one included), or null when the store did not answer. */
    List<String> beat(RedisCommands<String, String> redis, long requests, String version, List<String> addresses) {
        long t0 = System.nanoTime();
        try {
            List<String> time = redis.time();
            long local = System.currentTimeMillis() - (System.nanoTime() - t0) / 2_000_000;
            long store = Long.parseLong(time.get(0)) * 1000 + Long.parseLong(time.get(1)) / 1000;
            offsetMillis = store - local;
            if (lastRequests >= 0) {
                double secs = (t0 - lastBeatNanos) / 1e9;
                rate = secs > 0 ? (requests - lastRequests) / secs : 0;
            }
            lastRequests = requests;
            lastBeatNanos = t0;
            Map<String, String> me = new LinkedHashMap<>();
            me.put("node", node);
            me.put("version", version);
            me.put("addresses", String.join(" ", addresses));
            me.put("started", Long.toString(startedMillis + offsetMillis));
            me.put("beat", Long.toString(store));
            me.put("requests", Long.toString(requests));
            me.put("rate", String.format(java.util.Locale.ROOT, "%.1f", rate));
            redis.hset(keys.node(node), me);
            redis.pexpire(keys.node(node), EXPIRY_MILLIS);
            redis.zadd(keys.nodes(), (double) store, node);
            redis.zremrangebyscore(keys.nodes(), Range.create(Double.NEGATIVE_INFINITY, (double) (store - EXPIRY_MILLIS)));
            List<String> names = redis.zrange(keys.nodes(), 0, 255);
            health.ok(System.nanoTime() - t0, 7);
            live = List.copyOf(names);
            return live;
        } catch (RuntimeException e) {
            health.failed(e);
            return null;
        }
    }

    /** Leaves the view at a clean stop (the others' shares grow at once, not after the expiry). */
    void leave(RedisCommands<String, String> redis) {
        try {
            redis.zrem(keys.nodes(), node);
            redis.del(keys.node(node));
        } catch (RuntimeException e) {
            health.failed(e);
        }
    }

    /** Every live node's last beat, as the store holds it. */
    List<Map<String, String>> nodes(RedisCommands<String, String> redis) {
        List<Map<String, String>> out = new ArrayList<>();
        for (String n : live) {
            Map<String, String> h = redis.hgetall(keys.node(n));
            if (h != null && !h.isEmpty()) {
                out.add(h);
            }
        }
        return out;
    }

    /**
     * This node's share of the live nodes' request rates, from their last beats (1 when alone, or
     * while the cluster answers nothing). Rounded to tenths of a per cent, so that noise does not
     * retune detection every second.
     */
    double share(RedisCommands<String, String> redis) {
        List<String> nodes = live;
        if (nodes.size() < 2) {
            return 1;
        }
        double sum = 0;
        double mine = 0;
        for (String n : nodes) {
            String r = redis.hget(keys.node(n), "rate");
            double v;
            try {
                v = r == null ? 0 : Double.parseDouble(r);
            } catch (NumberFormatException e) {
                v = 0; // a garbled beat counts for nothing
            }
            if (!(v >= 0) || Double.isInfinite(v)) {
                v = 0;
            }
            sum += v;
            if (n.equals(node)) {
                mine = v;
            }
        }
        health.ok(0, nodes.size());
        return sum < 1 ? 1.0 / nodes.size() : Math.round(mine / sum * 1000) / 1000.0;
    }

    /** The store's clock minus this node's, in milliseconds. */
    long offsetMillis() {
        return offsetMillis;
    }

    List<String> live() {
        return live;
    }

    double rate() {
        return rate;
    }
}

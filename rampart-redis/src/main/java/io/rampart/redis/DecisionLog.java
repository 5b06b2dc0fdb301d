package io.rampart.redis;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.lettuce.core.StreamMessage;
import io.lettuce.core.XAddArgs;
import io.lettuce.core.XReadArgs;
import io.lettuce.core.api.sync.RedisCommands;
import io.rampart.cluster.SharedDecision;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The cluster's decisions as one Redis Stream: every node appends what it decides and reads
 * everything from its own cursor, from the start of the retained log when it starts (so a node
 * that restarts, or joins late, takes every decision still in force).
 *
 * <p>Design note: a stream, not Pub/Sub, because a node that was away (restarting, cut off from the
 * store) must still hear what was decided meanwhile. Each entry's end is written in the store's
 * clock and read back in the reader's, so nodes whose clocks disagree agree on when a decision
 * ends; an entry whose end has passed is skipped, which makes replaying the log harmless. The log
 * is trimmed to about {@value #MAX_ENTRIES} entries. Entries this process wrote are not applied
 * again; those an earlier run of the same node wrote are. Decisions taken while the store is down
 * wait in a bounded outbox ({@value #OUTBOX} entries; past it the oldest are dropped and counted)
 * and go out in order when it returns.
 */
final class DecisionLog {
    static final int MAX_ENTRIES = 10_000;
    static final int OUTBOX = 10_000;
    private static final Logger LOG = LoggerFactory.getLogger(DecisionLog.class);
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String key;
    private final String node;
    private final String run;
    private final StoreHealth health;
    private final LongSupplier storeOffsetMillis;
    private final ArrayDeque<SharedDecision> outbox = new ArrayDeque<>();
    private volatile long dropped;
    private volatile long applied;
    private volatile long lastLagMillis;
    private String cursor = "0-0";

    DecisionLog(String key, String node, String run, StoreHealth health, LongSupplier storeOffsetMillis) {
        this.key = key;
        this.node = node;
        this.run = run;
        this.health = health;
        this.storeOffsetMillis = storeOffsetMillis;
    }

    /** Queues a decision of this node (never blocks). */
    synchronized void offer(SharedDecision d) {
        if (outbox.size() >= OUTBOX) {
            outbox.pollFirst();
            dropped++;
        }
        outbox.addLast(d);
        notifyAll();
    }

    /** Waits up to {@code millis} for a decision to send. */
    synchronized void awaitOutbox(long millis) throws InterruptedException {
        if (outbox.isEmpty()) {
            wait(millis);
        }
    }

    /** Sends what is queued, in order; stops at the first failure (the rest waits for the next try). */
    void flush(RedisCommands<String, String> redis) {
        for (;;) {
            SharedDecision d;
            synchronized (this) {
                d = outbox.peekFirst();
            }
            if (d == null) {
                return;
            }
            long t0 = System.nanoTime();
            try {
                redis.xadd(key, XAddArgs.Builder.maxlen(MAX_ENTRIES).approximateTrimming(), encode(d));
                health.ok(System.nanoTime() - t0, 1);
            } catch (RuntimeException e) {
                health.failed(e);
                return;
            }
            synchronized (this) {
                if (outbox.peekFirst() == d) {
                    outbox.pollFirst();
                }
            }
        }
    }

    /** Reads what was appended since the cursor (waiting up to {@code blockMillis}) and applies it. */
    void read(RedisCommands<String, String> redis, long blockMillis, Consumer<SharedDecision> apply) {
        List<StreamMessage<String, String>> got;
        long t0 = System.nanoTime();
        try {
            got = redis.xread(XReadArgs.Builder.block(blockMillis).count(512), XReadArgs.StreamOffset.from(key, cursor));
            health.ok(System.nanoTime() - t0 - Math.min(System.nanoTime() - t0, blockMillis * 1_000_000L), 1);
        } catch (RuntimeException e) {
            health.failed(e);
            return;
        }
        if (got == null) {
            return;
        }
        long nowStore = System.currentTimeMillis() + storeOffsetMillis.getAsLong();
        for (StreamMessage<String, String> m : got) {
            cursor = m.getId();
            Map<String, String> body = m.getBody();
            if (run.equals(body.get("run"))) {
                continue; // this process's own decision, already in force here
            }
            SharedDecision d = decode(body);
            if (d == null) {
                LOG.warn("cluster decision {} is malformed and was skipped: {}", m.getId(), body);
                continue;
            }
            lastLagMillis = Math.max(0, nowStore - idMillis(m.getId()));
            apply.accept(d);
            applied++;
        }
    }

    long dropped() {
        return dropped;
    }

    long applied() {
        return applied;
    }

    synchronized int queued() {
        return outbox.size();
    }

    /** How old (in the store's clock) the last decision applied here was when it arrived. */
    long lagMillis() {
        return lastLagMillis;
    }

    Map<String, String> encode(SharedDecision d) {
        Map<String, String> f = new HashMap<>();
        f.put("kind", d.kind().name());
        f.put("site", d.site());
        f.put("end", Long.toString(d.endMillis() == 0 ? 0 : d.endMillis() + storeOffsetMillis.getAsLong()));
        f.put("by", d.by());
        f.put("node", node);
        f.put("run", run);
        try {
            f.put("args", JSON.writeValueAsString(d.args()));
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
        return f;
    }

    /** The decision, its end in this node's clock; null when malformed (a foreign or corrupted entry). */
    SharedDecision decode(Map<String, String> f) {
        try {
            SharedDecision.Kind kind = SharedDecision.Kind.valueOf(f.get("kind"));
            Map<String, String> args = JSON.readValue(f.get("args"), new TypeReference<Map<String, String>>() { });
            long end = Long.parseLong(f.get("end"));
            if (args == null || args.size() > 64) {
                return null;
            }
            args.values().removeIf(v -> v == null);
            return new SharedDecision(kind, f.getOrDefault("site", ""), args, end == 0 ? 0 : Math.max(1, end - storeOffsetMillis.getAsLong()),
                    f.get("by"), f.get("node"));
        } catch (RuntimeException | com.fasterxml.jackson.core.JsonProcessingException e) {
            return null;
        }
    }

    static long idMillis(String id) {
        int dash = id.indexOf('-');
        try {
            return Long.parseLong(dash < 0 ? id : id.substring(0, dash));
        } catch (NumberFormatException e) {
            return 0;
        }
    }
}

package io.rampart.redis;

import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Whether the store answers, said once per change in the log (never once per failed command),
 * and the figures behind {@code rampart_cluster_*}: operations, errors, the last round trip.
 */
final class StoreHealth {
    private static final Logger LOG = LoggerFactory.getLogger(StoreHealth.class);
    private final String store;
    private volatile boolean up;
    private volatile boolean everUp;
    private volatile String lastError = "";
    private volatile long lastRoundTripNanos;
    private volatile long lastOkMillis;
    final AtomicLong operations = new AtomicLong();
    final AtomicLong errors = new AtomicLong();

    StoreHealth(String store) {
        this.store = store;
    }

    /** A command (or pipeline of {@code ops} commands) answered in {@code nanos}. */
    void ok(long nanos, int ops) {
        operations.addAndGet(ops);
        lastRoundTripNanos = nanos;
        lastOkMillis = System.currentTimeMillis();
        if (!up) {
            up = true;
            if (everUp) {
                LOG.info("cluster store {} answers again: sharing limits and decisions again (queued decisions are being sent)", store);
            }
            everUp = true;
        }
    }

    /** A command failed: the first failure after a success is logged, with what to do. */
    void failed(Throwable e) {
        errors.incrementAndGet();
        String why = describe(e);
        lastError = why;
        if (up || !everUp && errors.get() == 1) {
            LOG.warn("cluster store {} unreachable ({}): this node keeps serving on its own state (limits, rules, clearances it "
                    + "has), queues its decisions, and rejoins by itself when the store answers", store, why);
        }
        up = false;
    }

    boolean up() {
        return up;
    }

    String lastError() {
        return lastError;
    }

    double roundTripSeconds() {
        return lastRoundTripNanos / 1e9;
    }

    long lastOkMillis() {
        return lastOkMillis;
    }

    /** The failure and its root cause, in one line ("Unable to connect to …: WRONGPASS invalid username-password pair"). */
    static String describe(Throwable e) {
        Throwable root = e;
        for (int i = 0; i < 10 && root.getCause() != null && root.getCause() != root; i++) {
            root = root.getCause();
        }
        String top = e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
        if (root == e) {
            return top;
        }
        return top + " (" + root.getClass().getSimpleName() + (root.getMessage() == null ? "" : ": " + root.getMessage()) + ")";
    }
}

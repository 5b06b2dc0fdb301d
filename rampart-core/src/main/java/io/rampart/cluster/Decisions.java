package io.rampart.cluster;

import java.util.function.Consumer;

/**
 * Where a node's decisions go out to the cluster, and the guard that keeps a decision heard from
 * another node from being sent out again when it is applied here.
 *
 * <p>The components that decide call {@link #publish} after they changed their own state; the
 * cluster's reader applies what it hears inside {@link #applyingRemote}, during which
 * {@code publish} does nothing on that thread. Publishing never blocks: the sink queues.
 */
public final class Decisions {
    /** No cluster: decisions stay on this node. */
    public static final Decisions NONE = new Decisions(null, "");

    private static final ThreadLocal<Boolean> REMOTE = new ThreadLocal<>();
    private final Consumer<SharedDecision> sink;
    private final String node;

    public Decisions(Consumer<SharedDecision> sink, String node) {
        this.sink = sink;
        this.node = node;
    }

    public boolean enabled() {
        return sink != null;
    }

    /** This node's name in the cluster. */
    public String node() {
        return node;
    }

    /** Sends a decision taken on this node to the others (nothing without a cluster, or while applying theirs). */
    public void publish(SharedDecision.Kind kind, String site, java.util.Map<String, String> args, long endMillis, String by) {
        if (sink == null || Boolean.TRUE.equals(REMOTE.get())) {
            return;
        }
        sink.accept(new SharedDecision(kind, site, args, endMillis, by, node));
    }

    /** Runs {@code apply} (applying another node's decision here) without publishing what it changes. */
    public static void applyingRemote(Runnable apply) {
        Boolean before = REMOTE.get();
        REMOTE.set(Boolean.TRUE);
        try {
            apply.run();
        } finally {
            if (before == null) {
                REMOTE.remove();
            } else {
                REMOTE.set(before);
            }
        }
    }

    /** Whether this thread is applying another node's decision now. */
    public static boolean remote() {
        return Boolean.TRUE.equals(REMOTE.get());
    }
}

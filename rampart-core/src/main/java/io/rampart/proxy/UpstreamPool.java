package io.rampart.proxy;

import io.netty.channel.Channel;
import io.netty.util.concurrent.FastThreadLocal;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Idle keep-alive connections to origins, one pool per event loop thread.
 *
 * <p>A client connection and the origin connection serving it share one event loop, so the pool
 * is thread-confined: no locks, no contention. Each (thread, upstream) keeps at most
 * {@code maxIdlePerUpstream} idle connections, most recently used first (LIFO keeps the warmest
 * connections busy and lets the rest time out at the origin). A connection that closes while
 * idle removes itself.
 */
final class UpstreamPool {
    private final int maxIdlePerUpstream;
    private final FastThreadLocal<Map<Upstream, ArrayDeque<BackendHandler>>> pools = new FastThreadLocal<>() {
        @Override
        protected Map<Upstream, ArrayDeque<BackendHandler>> initialValue() {
            return new IdentityHashMap<>();
        }
    };

    UpstreamPool(int maxIdlePerUpstream) {
        this.maxIdlePerUpstream = maxIdlePerUpstream;
    }

    /** An idle, open connection to {@code upstream} on the calling event loop, or {@code null}. */
    BackendHandler acquire(Upstream upstream) {
        ArrayDeque<BackendHandler> idle = pools.get().get(upstream);
        if (idle == null) {
            return null;
        }
        BackendHandler b;
        while ((b = idle.pollFirst()) != null) {
            if (b.channel().isActive()) {
                return b;
            }
        }
        return null;
    }

    /** Returns a connection after a complete exchange; closes it if the pool is full. */
    void release(Upstream upstream, BackendHandler backend) {
        Channel ch = backend.channel();
        if (!ch.isActive()) {
            return;
        }
        ArrayDeque<BackendHandler> idle = pools.get().computeIfAbsent(upstream, u -> new ArrayDeque<>());
        if (idle.size() >= maxIdlePerUpstream) {
            ch.close();
            return;
        }
        idle.addFirst(backend);
    }

    /** Forgets a connection that closed while idle (called on its event loop). */
    void remove(Upstream upstream, BackendHandler backend) {
        ArrayDeque<BackendHandler> idle = pools.get().get(upstream);
        if (idle != null) {
            idle.remove(backend);
        }
    }

    /** Idle connections held by the calling thread, for tests. */
    int idleCount(Upstream upstream) {
        ArrayDeque<BackendHandler> idle = pools.get().get(upstream);
        return idle == null ? 0 : idle.size();
    }
}

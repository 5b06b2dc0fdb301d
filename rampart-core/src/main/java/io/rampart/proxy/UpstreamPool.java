package io.rampart.proxy;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.util.concurrent.FastThreadLocal;
import io.rampart.net.Transport;
import java.util.ArrayDeque;
import java.util.IdentityHashMap;
import java.util.Map;

/**
 * Connections to origins: opened on the client's event loop, and kept idle for reuse, one pool
 * per event loop thread.
 *
 * <p>A client connection and the origin connection serving it share one event loop, so the pool
 * is thread-confined: no locks, no contention. Each (thread, upstream) keeps at most
 * {@code maxIdlePerUpstream} idle connections, most recently used first (LIFO keeps the warmest
 * connections busy and lets the rest time out at the origin). A connection that closes while
 * idle removes itself.
 */
final class UpstreamPool {
    /**
     * Idle connections kept per event loop and origin. Idle ones were all busy at the last peak, so
     * this never raises the number of connections an origin sees; it decides whether a burst's
     * connections are reused or closed and opened again. HTTP/2 clients bring hundreds of
     * concurrent streams per event loop: at 64, h2load with 200 streams opened a new origin
     * connection for one request in nine.
     */
    static final int MAX_IDLE_PER_UPSTREAM = 256;

    /** 256 KB: at LAN round-trip times (≤ 1 ms) still hundreds of MB/s from an origin. */
    static final int RECEIVE_BUFFER = 256 * 1024;

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

    /**
     * Opens a new connection to {@code upstream} on {@code loop} (the client's event loop) and
     * returns its handler; {@link BackendHandler#connectFuture()} says when it is ready.
     */
    BackendHandler connect(EventLoop loop, Upstream upstream, long connectTimeoutMillis) {
        BackendHandler handler = new BackendHandler(upstream, this);
        ChannelFuture f = new Bootstrap()
                .group(loop)
                .channel(Transport.CURRENT.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, connectTimeoutMillis))
                .option(ChannelOption.TCP_NODELAY, true)
                // a fixed receive buffer (no autotuning to megabytes): with slow readers, what an
                // origin can park in this node's kernel memory stays bounded per connection
                .option(ChannelOption.SO_RCVBUF, RECEIVE_BUFFER)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast("http", new OriginCodec());
                        ch.pipeline().addLast("backend", handler);
                    }
                })
                .connect(upstream.address());
        handler.connecting(f);
        return handler;
    }

    /** Idle connections held by the calling thread, for tests. */
    int idleCount(Upstream upstream) {
        ArrayDeque<BackendHandler> idle = pools.get().get(upstream);
        return idle == null ? 0 : idle.size();
    }
}

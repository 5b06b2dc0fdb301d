package io.rampart.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.AttributeKey;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stops a listener from accepting faster than its connections can be judged. Accepting is done on
 * one thread and judging ({@link ConnectionGate}, on the connection's own event loop) on others; in
 * a burst of completed handshakes the acceptor would otherwise take thousands of connections off
 * the kernel's queue, each a file descriptor, before the gate has closed the ones over its caps —
 * and the process would run out of descriptors however low the caps. With at most
 * {@value #MAX_PENDING} connections accepted but not yet judged, the listener stops reading its
 * accept queue until half of them have been judged; the rest wait in the kernel's backlog, as
 * HAProxy's listeners do at {@code maxconn}. Sits on the listening channel's own pipeline.
 */
final class AcceptThrottle extends ChannelInboundHandlerAdapter {
    static final int MAX_PENDING = 128;
    private static final AttributeKey<Boolean> JUDGED = AttributeKey.valueOf("rampart.accept.judged");

    private final AtomicInteger pending = new AtomicInteger();
    private volatile Channel listener;

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
        listener = ctx.channel();
        super.channelActive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (msg instanceof Channel) {
            Channel child = (Channel) msg;
            if (pending.incrementAndGet() >= MAX_PENDING) {
                ctx.channel().config().setAutoRead(false);
            }
            child.closeFuture().addListener(f -> judged(child)); // also when it never reaches the gate
        }
        ctx.fireChannelRead(msg);
    }

    /** {@code child} has been judged (admitted or refused) or is gone: counted once. */
    void judged(Channel child) {
        if (child.attr(JUDGED).setIfAbsent(Boolean.TRUE) != null) {
            return;
        }
        Channel l = listener;
        if (pending.decrementAndGet() <= MAX_PENDING / 2 && l != null && !l.config().isAutoRead()) {
            l.config().setAutoRead(true);
        }
    }

    /** Connections accepted and not yet judged (for tests). */
    int pending() {
        return pending.get();
    }
}

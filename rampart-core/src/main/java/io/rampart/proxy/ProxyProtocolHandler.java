package io.rampart.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.haproxy.HAProxyCommand;
import io.netty.handler.codec.haproxy.HAProxyMessage;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.rampart.traffic.ClientAddress;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the client address from a PROXY protocol (v1 or v2) header, then hands the connection to
 * the gate as if that client had connected directly. A {@code LOCAL} header (a load balancer's
 * health check) keeps the socket's address. A connection that does not send its header within
 * the request-head deadline, or sends a broken one, is closed.
 */
final class ProxyProtocolHandler extends ChannelInboundHandlerAdapter {
    private static final Logger LOG = LoggerFactory.getLogger(ProxyProtocolHandler.class);
    private final FrontInitializer initializer;
    private final long deadlineNanos;
    private ScheduledFuture<?> deadline;

    ProxyProtocolHandler(FrontInitializer initializer, long deadlineNanos) {
        this.initializer = initializer;
        this.deadlineNanos = deadlineNanos;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        deadline = ctx.executor().schedule(() -> {
            ctx.close();
        }, deadlineNanos, TimeUnit.NANOSECONDS);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        if (deadline != null) {
            deadline.cancel(false);
        }
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (!(msg instanceof HAProxyMessage)) {
            ReferenceCountUtil.release(msg);
            ctx.close();
            return;
        }
        HAProxyMessage header = (HAProxyMessage) msg;
        ClientAddress client;
        try {
            client = header.command() == HAProxyCommand.PROXY && header.sourceAddress() != null
                    ? ClientAddress.parse(header.sourceAddress())
                    : ClientAddress.of(ctx.channel().remoteAddress());
        } catch (IllegalArgumentException e) {
            client = null;
        } finally {
            header.release();
        }
        if (client == null) {
            ctx.close();
            return;
        }
        ctx.pipeline().remove(this);
        initializer.admit(ctx.channel(), client);
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("bad PROXY protocol header from {}: {}", ctx.channel().remoteAddress(), cause.toString());
        ctx.close();
    }
}

package io.rampart.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ReferenceCountUtil;

/**
 * A WebSocket connection after its {@code 101 Switching Protocols}: bytes relayed both ways, with
 * the same writability backpressure as the HTTP path, and one idle deadline for both directions
 * (a socket the server pushes to and the browser only listens on is not idle).
 *
 * <p>Both channels share one event loop, so the shared deadline needs no synchronisation. When
 * either side closes, the other is flushed and closed.
 */
final class Tunnel {
    private final Channel client;
    private final Channel origin;
    private final long idleNanos;
    private LazyDeadline idle;

    private Tunnel(Channel client, Channel origin, long idleNanos) {
        this.client = client;
        this.origin = origin;
        this.idleNanos = idleNanos;
    }

    /**
     * Turns both pipelines into relays. Call on the shared event loop, after the 101 and its end
     * have been written to the client. Bytes the codecs still hold are passed on as they leave.
     */
    static void open(Channel client, Channel origin, long idleNanos) {
        Tunnel t = new Tunnel(client, origin, idleNanos);
        t.idle = new LazyDeadline(client.eventLoop(), () -> {
            client.close();
            origin.close();
        });
        t.touch();
        // The client side first: removing the origin's codec hands on, synchronously, any bytes the
        // origin sent right behind its 101 (a greeting frame), and those must meet a raw pipeline,
        // not the HTTP encoder.
        client.pipeline().replace("front", "relay", t.new Relay(origin));
        client.pipeline().remove("http");
        client.pipeline().remove("guard");
        origin.pipeline().replace(BackendHandler.class, "relay", t.new Relay(client));
        origin.pipeline().remove("http");
        client.config().setAutoRead(true);
        origin.config().setAutoRead(true);
    }

    private void touch() {
        idle.arm(System.nanoTime() + idleNanos);
    }

    /** One direction: what this channel reads goes to {@code peer}. */
    private final class Relay extends ChannelDuplexHandler {
        private final Channel peer;

        Relay(Channel peer) {
            this.peer = peer;
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (!(msg instanceof ByteBuf)) {
                ReferenceCountUtil.release(msg); // e.g. the codec's empty end-of-message
                return;
            }
            touch();
            peer.write(msg, peer.voidPromise());
            if (!peer.isWritable()) {
                ctx.channel().config().setAutoRead(false);
            }
        }

        @Override
        public void channelReadComplete(ChannelHandlerContext ctx) {
            peer.flush();
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            peer.config().setAutoRead(ctx.channel().isWritable());
            super.channelWritabilityChanged(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            idle.cancel();
            if (peer.isActive()) {
                peer.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}

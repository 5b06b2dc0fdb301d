package io.rampart.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResultProvider;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.util.ReferenceCountUtil;

/**
 * The origin side of one pooled connection. While serving an exchange it passes the response to
 * the exchange's {@link OriginListener}; while idle in the pool, anything the origin sends (it
 * should send nothing) or a close removes it from the pool.
 */
final class BackendHandler extends ChannelInboundHandlerAdapter {
    private final Upstream upstream;
    private final UpstreamPool pool;
    private Channel channel;
    private OriginListener owner;
    private boolean reused;
    private ChannelFuture connectFuture;

    BackendHandler(Upstream upstream, UpstreamPool pool) {
        this.upstream = upstream;
        this.pool = pool;
    }

    Channel channel() {
        return channel;
    }

    void connecting(ChannelFuture f) {
        this.connectFuture = f;
    }

    /** Completes when the connection opened by {@link UpstreamPool#connect} is up (or failed). */
    ChannelFuture connectFuture() {
        return connectFuture;
    }

    Upstream upstream() {
        return upstream;
    }

    /** Whether this connection served an earlier exchange (so a failure may be a stale keep-alive). */
    boolean reused() {
        return reused;
    }

    void attach(OriginListener listener) {
        this.owner = listener;
    }

    /** Ends the exchange: back to the pool if {@code keep}, else closed. */
    void detach(boolean keep) {
        owner = null;
        if (keep && channel.isActive()) {
            reused = true;
            channel.config().setAutoRead(true);
            pool.release(upstream, this);
        } else {
            channel.close();
        }
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.channel = ctx.channel();
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        OriginListener o = owner;
        if (o == null || !(msg instanceof DecoderResultProvider)) {
            // an idle origin connection must stay silent; anything else means it is unusable
            ReferenceCountUtil.release(msg);
            pool.remove(upstream, this);
            ctx.close();
            return;
        }
        if (((DecoderResultProvider) msg).decoderResult().isFailure()) {
            // a broken head or body from the origin (bad chunk, invalid header...): the decoder is
            // now discarding, so this connection can never serve again and must not be pooled
            ReferenceCountUtil.release(msg);
            owner = null;
            ctx.close();
            o.onOriginFailed(this, true);
            return;
        }
        if (msg instanceof HttpResponse) {
            o.onResponseHead((HttpResponse) msg);
        }
        if (msg instanceof HttpContent) {
            o.onResponseContent((HttpContent) msg);
        } else if (!(msg instanceof HttpResponse)) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        OriginListener o = owner;
        if (o != null) {
            o.flushToClient();
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
        OriginListener o = owner;
        if (o != null) {
            o.onOriginWritabilityChanged(ctx.channel().isWritable());
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
        OriginListener o = owner;
        owner = null;
        if (o != null) {
            o.onOriginFailed(this, false);
        } else {
            pool.remove(upstream, this);
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        // resets and decode errors: closing leads to channelInactive, which reports to the owner
        ctx.close();
    }
}

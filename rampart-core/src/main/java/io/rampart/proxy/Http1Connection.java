package io.rampart.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.ReferenceCountUtil;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.ConnectionPrints;
import java.util.ArrayDeque;

/**
 * An HTTP/1.1 client connection: keep-alive, pipelining and WebSocket tunnels on top of what
 * every {@link ClientConnection} does.
 *
 * <p>Design note: one exchange at a time per connection. While a request is in flight, reading
 * from the client pauses at the end of its body; requests the client pipelined are decoded into
 * a small inbox (bounded by one socket read) and served in order. Bodies stream both ways:
 * reading from one side stops while the other side's outbound buffer is full (writability), so
 * a large upload or download runs in constant memory.
 */
final class Http1Connection extends ClientConnection {
    private final ArrayDeque<Object> inbox = new ArrayDeque<>(4);

    Http1Connection(GatewayRuntime rt, ClientGuard guard, ClientAddress peer, boolean peerTrusted, String scheme,
                    ConnectionPrints prints) {
        super(rt, guard, peer, peerTrusted, scheme, prints);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state != State.CLOSING && (!inbox.isEmpty() || (msg instanceof HttpRequest && state != State.IDLE))) {
            // a pipelined request: keep it (and what follows) until the current exchange is done
            inbox.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        super.channelRead(ctx, msg);
    }

    /** Ready for the next request: a pipelined one is served now. */
    @Override
    void goIdle() {
        state = State.IDLE;
        guard.awaitNextRequest();
        while (!inbox.isEmpty()) {
            Object next = inbox.peek();
            if (next instanceof HttpRequest && state != State.IDLE) {
                break;
            }
            inbox.poll();
            dispatch(next);
            if (state == State.CLOSING) {
                releaseInbox();
                return;
            }
        }
        readingChanged();
    }

    @Override
    boolean nothingQueued() {
        return inbox.isEmpty();
    }

    @Override
    boolean acceptsAbsoluteForm() {
        return true;
    }

    @Override
    void tunnel(Channel origin) {
        state = State.CLOSING; // this handler is done; the tunnel takes the connection
        releaseInbox();
        Tunnel.open(ctx.channel(), origin, rt.tunnelIdleNanos);
    }

    /** Whether this connection works under {@code runtime} (a reload retires the connections of the old one). */
    boolean runsOn(GatewayRuntime runtime) {
        return rt == runtime;
    }

    /** The gateway is stopping or reloading: an idle connection closes now, a busy one after its response. */
    void drain() {
        if (state == State.IDLE && inbox.isEmpty()) {
            closeNow();
        }
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        releaseInbox();
        super.channelInactive(ctx);
    }

    private void releaseInbox() {
        Object o;
        while ((o = inbox.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }
}

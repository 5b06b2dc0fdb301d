package io.rampart.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.util.ReferenceCountUtil;
import io.rampart.metrics.GatewayMetrics.SlowKind;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.ConnectionPrints;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What every client connection does, whatever its protocol: it hands each decoded request to its
 * {@link Exchange} (which runs the {@link RequestPath}), sequences one exchange at a time, decides
 * what happens after an answer (next request, discard the rest of the body, or close), answers the
 * slow-client deadlines of the {@link ClientGuard}, and cleans up when the peer goes away. Only
 * framing concerns live here; no policy does.
 *
 * <p>Subclasses: {@link Http1Connection} (keep-alive, pipelining, WebSocket tunnels) and
 * {@link Http2Stream} (one HTTP/2 stream, one request).
 */
abstract class ClientConnection extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(ClientConnection.class);

    /** Where the connection stands between requests. */
    enum State {
        /** Waiting for a request head. */
        IDLE,
        /** An exchange is under way (deciding, held, or forwarding). */
        BUSY,
        /** Answered early; dropping what is left of the request's body until its end. */
        SKIP_REST,
        /** The connection is closing; everything read is dropped. */
        CLOSING
    }

    /** A refused request's body must arrive within this long to be discarded (else the connection closes). */
    private static final long SKIP_REST_MILLIS = 2000;
    /** How long a close with unread input waits for the client to stop sending (nginx's {@code lingering_close}). */
    private static final long LINGER_MILLIS = 1000;

    final GatewayRuntime rt;
    final ClientGuard guard;
    final ClientAddress peer;
    private final boolean peerTrusted;
    private final String scheme;
    private final ConnectionPrints prints;
    ChannelHandlerContext ctx;
    Exchange x;
    State state = State.IDLE;
    /** Closes a connection whose refused request's body does not arrive in time (made at the first refusal with a body to skip). */
    private LazyDeadline skipDeadline;

    ClientConnection(GatewayRuntime rt, ClientGuard guard, ClientAddress peer, boolean peerTrusted, String scheme,
                     ConnectionPrints prints) {
        this.rt = rt;
        this.guard = guard;
        this.peer = peer;
        this.peerTrusted = peerTrusted;
        this.scheme = scheme;
        this.prints = prints;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.x = new Exchange(rt, this, ctx, guard, peer, peerTrusted, scheme, prints);
    }

    // ---------------------------------------------------------------- reading

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.CLOSING) {
            ReferenceCountUtil.release(msg); // lingering close or closing: nothing more is served
            return;
        }
        dispatch(msg);
    }

    /** Hands a decoded message to the exchange: a head starts one, body parts feed it. */
    final void dispatch(Object msg) {
        if (msg instanceof HttpRequest) {
            onHead((HttpRequest) msg);
        }
        if (msg instanceof HttpContent) {
            onContent((HttpContent) msg);
        } else if (!(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
        }
    }

    private void onHead(HttpRequest req) {
        guard.headReceived();
        state = State.BUSY;
        x.begin(req);
        RequestPath.run(x, 0);
    }

    private void onContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (c.decoderResult().isFailure() && state != State.CLOSING) {
            // a broken body (bad chunk size...): framing is lost, so is this connection; the origin
            // connection is dropped mid-body so the origin never sees a complete request
            c.release();
            rt.metrics.protocolError(400);
            if (forwarding()) {
                x.fail(400);
            } else {
                closeNow();
            }
            return;
        }
        if (!forwarding()) {
            c.release();
            if (last) {
                x.requestDone = true;
                if (state == State.SKIP_REST) {
                    goIdle();
                }
            }
            return;
        }
        x.origin.requestContent(c);
    }

    private boolean forwarding() {
        return state == State.BUSY && x.phase == Exchange.Phase.FORWARDING;
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        x.origin.flushToOrigin();
        ctx.flush();
    }

    /** Whether the connection reads now: as the state allows and, while a body streams, as fast as the origin takes it. */
    void readingChanged() {
        boolean read;
        switch (state) {
            case IDLE:
            case SKIP_REST:
                read = nothingQueued();
                break;
            case BUSY:
                // while the body streams: only as fast as the origin takes it; once the request is
                // complete, only a pipelined request can arrive, and it pauses reading in the inbox
                read = x.phase == Exchange.Phase.FORWARDING && nothingQueued()
                        && (x.requestDone || x.bufferingBody || x.origin.writable());
                break;
            default:
                read = false;
        }
        ctx.channel().config().setAutoRead(read);
    }

    /** Stops reading until {@link #readingChanged} (a held request; a body waiting for its origin connection). */
    final void pauseReading() {
        ctx.channel().config().setAutoRead(false);
    }

    /** No request is waiting behind the current one (HTTP/1.1 pipelining). */
    boolean nothingQueued() {
        return true;
    }

    // ---------------------------------------------------------------- after an exchange

    /**
     * Writes the exchange's last message and moves on: with {@code keep}, to the next request (or
     * to discarding the rest of the body first); without, closes once it is written — lingering
     * (see {@link #lingeringClose}) if {@code linger} and the client is still sending its body.
     */
    final void finish(Object last, boolean keep, boolean linger) {
        if (keep) {
            ctx.writeAndFlush(last, ctx.voidPromise());
            if (x.requestDone) {
                goIdle();
            } else {
                skipRestOfBody();
            }
        } else if (!x.requestDone && linger) {
            state = State.CLOSING;
            ctx.writeAndFlush(last).addListener(f -> lingeringClose());
        } else {
            state = State.CLOSING;
            pauseReading();
            ctx.writeAndFlush(last).addListener(ChannelFutureListener.CLOSE);
        }
    }

    /** Ready for the next request. */
    void goIdle() {
        if (skipDeadline != null) {
            skipDeadline.disarm();
        }
        state = State.IDLE;
        guard.awaitNextRequest();
        readingChanged();
    }

    /**
     * Reads and discards the rest of a refused request's body, keeping the connection. The body
     * must arrive within {@value #SKIP_REST_MILLIS} ms: a client that trickles it after a refusal
     * is closed, so discarding never becomes a way to hold a connection open (slow POST).
     */
    private void skipRestOfBody() {
        state = State.SKIP_REST;
        ctx.channel().config().setAutoRead(true);
        if (skipDeadline == null) {
            skipDeadline = new LazyDeadline(ctx.executor(), () -> {
                if (state == State.SKIP_REST) {
                    rt.metrics.slowClient(SlowKind.BODY);
                    closeNow();
                }
            });
        }
        // one lazily moved deadline per connection: a flood refused at 58,000 requests/s had
        // scheduled a 2-second task per refusal (116,000 alive in the executor's queue, each
        // copied by the young collections it outlived)
        skipDeadline.arm(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(SKIP_REST_MILLIS));
    }

    /**
     * Closes a connection whose client is still sending (an answer before the end of its body):
     * closing with unread input makes the kernel send a reset that can destroy the answer before
     * the client reads it. So: half-close, discard what still arrives for at most
     * {@value #LINGER_MILLIS} ms, then close.
     */
    private void lingeringClose() {
        Channel ch = ctx.channel();
        if (!ch.isActive()) {
            return;
        }
        if (ch instanceof SocketChannel) {
            ((SocketChannel) ch).shutdownOutput();
            ch.config().setAutoRead(true);
            ctx.executor().schedule(() -> {
                ch.close();
            }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            ch.close();
        }
    }

    /** Whether a request target may be in absolute form ({@code http://host/path}): HTTP/1.1 only. */
    boolean acceptsAbsoluteForm() {
        return false;
    }

    /** The origin accepted a WebSocket upgrade: the connection becomes a byte tunnel to {@code origin}. */
    void tunnel(Channel origin) {
        throw new IllegalStateException("no upgrade on " + getClass().getSimpleName());
    }

    final boolean closing() {
        return state == State.CLOSING;
    }

    /** Nothing more is served on this connection (it is gone or going). */
    final void markClosing() {
        state = State.CLOSING;
    }

    final void closeNow() {
        state = State.CLOSING;
        pauseReading();
        ctx.close();
    }

    // ---------------------------------------------------------------- slow clients, errors, close

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        x.origin.clientWritabilityChanged(ctx.channel().isWritable());
        super.channelWritabilityChanged(ctx);
    }

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (evt instanceof MalformedRequest) {
            MalformedRequest m = (MalformedRequest) evt;
            x.begin(null); // refused before any request object could be made: logged as HTTP/1.1 logs its 400s
            x.method = m.method();
            x.target = m.target();
            x.authority = m.authority();
            x.status = 400;
            rt.metrics.protocolError(400);
            x.end(true);
            markClosing();
            return;
        }
        if (!(evt instanceof SlowClientEvent)) {
            super.userEventTriggered(ctx, evt);
            return;
        }
        switch ((SlowClientEvent) evt) {
            case HEAD_TIMEOUT:
                rt.metrics.slowClient(SlowKind.HEAD);
                if (state == State.IDLE) {
                    x.begin(null); // an answer no decoded request stands behind
                    Responder.answer(x, 408, true);
                } else {
                    closeNow();
                }
                break;
            case IDLE_TIMEOUT:
                rt.metrics.slowClient(SlowKind.IDLE);
                if (state == State.IDLE) {
                    closeNow();
                }
                break;
            case BODY_TOO_SLOW:
                rt.metrics.slowClient(SlowKind.BODY);
                if (forwarding()) {
                    x.fail(408);
                } else {
                    closeNow();
                }
                break;
            case WRITE_TIMEOUT:
                rt.metrics.slowClient(SlowKind.WRITE);
                closeNow();
                break;
            case OBS_FOLD:
                x.begin(null);
                Responder.protocolError(x, 400);
                break;
            case MALFORMED_CHUNK:
                if (forwarding()) {
                    rt.metrics.protocolError(400);
                    x.fail(400); // the origin connection goes mid-body: the origin never sees a complete request
                } else if (state == State.IDLE) {
                    x.begin(null); // the head came in the same read and was never decoded
                    Responder.protocolError(x, 400);
                } else {
                    rt.metrics.protocolError(400);
                    closeNow();
                }
                break;
            default:
                closeNow();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("client connection from {} failed: {}", peer, cause.toString());
        if (cause instanceof Http2Exception) {
            return; // an HTTP/2 stream error: the multiplexer resets the stream with the error's code and closes this channel
        }
        closeNow();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        x.end(false); // a client gone mid-exchange: logged with the status it had (0 if none)
        x.origin.close();
        state = State.CLOSING;
        if (skipDeadline != null) {
            skipDeadline.cancel();
        }
        super.channelInactive(ctx);
    }
}

package io.rampart.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.util.ByteProcessor;
import io.netty.util.concurrent.ScheduledFuture;
import io.rampart.config.TimeoutsConfig;
import java.util.concurrent.TimeUnit;

/**
 * Keeps slow clients from holding connections: sits between the socket and the HTTP decoder and
 * sees raw bytes.
 *
 * <p>Design note: an idle timer that every byte resets is what slowloris defeats (one byte every
 * few seconds keeps a connection forever). Here each phase has its own deadline that bytes do not
 * move:
 * <ul>
 *   <li><b>awaiting a request</b>: the first request must start within {@code requestHead} of
 *       accept; later ones within {@code keepAliveIdle} of the previous response;</li>
 *   <li><b>head</b>: from the first byte, the whole head must arrive within {@code requestHead};</li>
 *   <li><b>body</b>: after {@code bodyGrace}, the average rate while Rampart is reading must stay
 *       above {@code minBodyRate} (time when Rampart itself paused reading for backpressure does
 *       not count against the client);</li>
 *   <li><b>writing</b>: our output buffer may stay full for at most {@code clientWrite} (slow read).</li>
 * </ul>
 * It also scans head bytes for obsolete line folding (a header line starting with space or tab),
 * which Netty's decoder would silently join, and follows a chunked body's framing
 * ({@link ChunkedBodyScanner}) to refuse a chunk size with leading whitespace, which the decoder
 * would silently skip; bytes that follow a body in the same read (pipelined requests) are left to
 * the decoder. It never answers itself: it fires a {@link SlowClientEvent}
 * and the {@link ClientConnection} answers and closes.
 */
final class ClientGuard extends ChannelDuplexHandler implements ByteProcessor {
    private enum Phase { AWAITING, HEAD, BODY, BUSY }

    private final long headNanos;
    private final long idleNanos;
    private final long minBodyRate;
    private final long bodyGraceNanos;
    private final long writeNanos;

    private ChannelHandlerContext ctx;
    /** The connection's slot in the {@link ConnectionGate}, marked busy while a request is in progress. */
    private ConnectionSlot slot;
    private boolean inRequest;
    private Phase phase = Phase.AWAITING;
    private LazyDeadline deadline;
    private SlowClientEvent deadlineEvent;
    private long headDeadline;
    private ScheduledFuture<?> bodyCheck;
    private ScheduledFuture<?> writeDeadline;
    private long bodyBytes;
    private long bodyActiveNanos;
    private long lastCheckNanos;

    // head scan state
    private static final byte[] TRANSFER_ENCODING = "transfer-encoding:".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
    private final ChunkedBodyScanner chunks = new ChunkedBodyScanner();
    private int teMatched;
    private boolean teMatching;
    private boolean declaresTransferEncoding;
    private boolean sawRequestLine;
    private boolean atLineStart = true;
    private boolean headEnded;

    ClientGuard(TimeoutsConfig t) {
        this.headNanos = t.requestHead().toNanos();
        this.idleNanos = t.keepAliveIdle().toNanos();
        this.minBodyRate = t.minBodyRate().bytes();
        this.bodyGraceNanos = t.bodyGrace().toNanos();
        this.writeNanos = t.clientWrite().toNanos();
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.slot = ctx.channel().attr(ConnectionGate.SLOT).get(); // null on an HTTP/2 stream: the connection's front marks it
        this.deadline = new LazyDeadline(ctx.executor(), () -> fire(deadlineEvent));
        // the first request must begin promptly: a connection that says nothing is a slowloris too
        arm(System.nanoTime() + headNanos, SlowClientEvent.HEAD_TIMEOUT);
    }

    @Override
    public void handlerRemoved(ChannelHandlerContext ctx) {
        cancelAll();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelAll();
        super.channelInactive(ctx);
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof ByteBuf) {
            ByteBuf buf = (ByteBuf) msg;
            if (phase == Phase.AWAITING && buf.isReadable()) {
                // the head deadline runs from this first byte; it is armed only if the head is
                // still incomplete when this read is done (most heads arrive in one read)
                phase = Phase.HEAD;
                resetHeadScan();
                headDeadline = System.nanoTime() + headNanos;
            }
            if (phase == Phase.HEAD && !headEnded && buf.isReadable()) {
                int stop = buf.forEachByte(this);
                if (stop >= 0 && !headEnded) {
                    buf.release();
                    fire(SlowClientEvent.OBS_FOLD);
                    return;
                }
                if (stop >= 0 && declaresTransferEncoding) {
                    chunks.start(); // the body follows the head, perhaps in this very read
                    if (!scanChunks(buf, stop + 1, buf.writerIndex() - stop - 1)) {
                        return;
                    }
                }
            } else {
                if (phase == Phase.BODY) {
                    bodyBytes += buf.readableBytes();
                }
                if (chunks.active() && !scanChunks(buf, buf.readerIndex(), buf.readableBytes())) {
                    return;
                }
            }
        } else if (msg instanceof io.netty.handler.codec.http.HttpContent && phase == Phase.BODY) {
            // on an HTTP/2 stream the guard sits after the codec and sees decoded content
            bodyBytes += ((io.netty.handler.codec.http.HttpContent) msg).content().readableBytes();
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) throws Exception {
        if (phase == Phase.HEAD) {
            arm(headDeadline, SlowClientEvent.HEAD_TIMEOUT);
        }
        super.channelReadComplete(ctx);
    }

    /** Follows a chunked body's framing; false (and the buffer released, the event fired) when it is malformed. */
    private boolean scanChunks(ByteBuf buf, int from, int length) {
        chunks.scan(buf, from, length);
        if (chunks.malformed()) {
            buf.release();
            fire(SlowClientEvent.MALFORMED_CHUNK);
            return false;
        }
        return true;
    }

    /** ByteProcessor over head bytes: returns false (stop) on obsolete line folding. */
    @Override
    public boolean process(byte b) {
        if (atLineStart && b != '\r' && b != '\n' && b != ' ' && b != '\t') {
            teMatched = 0;
            teMatching = true;
        }
        if (teMatching) {
            byte lower = b >= 'A' && b <= 'Z' ? (byte) (b + 32) : b;
            if (lower == TRANSFER_ENCODING[teMatched]) {
                if (++teMatched == TRANSFER_ENCODING.length) {
                    declaresTransferEncoding = true;
                    teMatching = false;
                }
            } else {
                teMatching = false;
            }
        }
        if (atLineStart) {
            if (b == '\r') {
                return true;
            }
            if (b == '\n') {
                if (sawRequestLine) {
                    headEnded = true; // the empty line: what follows is body or the next request
                    return false;
                }
                return true; // empty lines before the request line are tolerated (RFC 9112 §2.2)
            }
            if ((b == ' ' || b == '\t') && sawRequestLine) {
                return false;
            }
            atLineStart = false;
        }
        if (b == '\n') {
            sawRequestLine = true;
            atLineStart = true;
        }
        return true;
    }

    private void resetHeadScan() {
        sawRequestLine = false;
        atLineStart = true;
        headEnded = false;
        declaresTransferEncoding = false;
        teMatching = false;
    }

    /** The decoder produced a request head. */
    void headReceived() {
        phase = Phase.BUSY;
        deadline.disarm();
        if (slot != null && !inRequest) {
            inRequest = true;
            slot.enter(); // doing something: never evicted to make room for a newcomer
        }
    }

    /** The request has a body that is now being forwarded. */
    void bodyStarted() {
        phase = Phase.BODY;
        bodyBytes = 0;
        bodyActiveNanos = 0;
        lastCheckNanos = System.nanoTime();
        long period = Math.max(TimeUnit.MILLISECONDS.toNanos(250), Math.min(bodyGraceNanos, TimeUnit.SECONDS.toNanos(1)));
        bodyCheck = ctx.executor().scheduleAtFixedRate(this::checkBodyRate, period, period, TimeUnit.NANOSECONDS);
    }

    /** The request has been read completely. */
    void requestComplete() {
        phase = Phase.BUSY;
        cancel(bodyCheck);
        bodyCheck = null;
    }

    /** The response is done and the connection stays open for another request. */
    void awaitNextRequest() {
        cancel(bodyCheck);
        bodyCheck = null;
        if (inRequest) {
            inRequest = false;
            slot.leave(System.nanoTime());
        }
        phase = Phase.AWAITING;
        resetHeadScan();
        arm(System.nanoTime() + idleNanos, SlowClientEvent.IDLE_TIMEOUT);
    }

    private void checkBodyRate() {
        long now = System.nanoTime();
        long delta = now - lastCheckNanos;
        lastCheckNanos = now;
        if (phase != Phase.BODY) {
            return;
        }
        if (ctx.channel().config().isAutoRead()) {
            bodyActiveNanos += delta;
        }
        if (bodyActiveNanos >= bodyGraceNanos) {
            double rate = bodyBytes * 1e9 / bodyActiveNanos;
            if (rate < minBodyRate) {
                cancel(bodyCheck);
                bodyCheck = null;
                fire(SlowClientEvent.BODY_TOO_SLOW);
            }
        }
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        if (!ctx.channel().isWritable()) {
            if (writeDeadline == null) {
                writeDeadline = ctx.executor().schedule(() -> {
                    writeDeadline = null;
                    fire(SlowClientEvent.WRITE_TIMEOUT);
                }, writeNanos, TimeUnit.NANOSECONDS);
            }
        } else {
            cancel(writeDeadline);
            writeDeadline = null;
        }
        super.channelWritabilityChanged(ctx);
    }

    private void arm(long at, SlowClientEvent event) {
        deadlineEvent = event;
        deadline.arm(at);
    }

    private void fire(SlowClientEvent event) {
        if (ctx.channel().isActive()) {
            ctx.fireUserEventTriggered(event);
        }
    }

    private void cancelAll() {
        if (deadline != null) {
            deadline.cancel();
        }
        cancel(bodyCheck);
        cancel(writeDeadline);
        bodyCheck = null;
        writeDeadline = null;
    }

    private static void cancel(ScheduledFuture<?> f) {
        if (f != null) {
            f.cancel(false);
        }
    }
}

package io.rampart.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.rampart.challenge.Gatekeeper;
import io.rampart.metrics.GatewayMetrics.UpstreamError;
import io.rampart.shield.Capture;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exchange's way to the origin and back: picks an origin, takes a pooled connection or opens
 * one (the next origin if it cannot connect; a stale pooled connection is retried once for
 * idempotent requests), streams the request body with backpressure, and relays the response
 * (1xx, head, body) to the client, filling the shield on the way. A WebSocket upgrade the origin
 * accepts turns both connections into a {@link Tunnel}.
 *
 * <p>Part of the {@link Exchange}: one per connection, its per-request fields reset by
 * {@link Exchange#begin} and cleaned up by {@link Exchange#end}. The origin connection shares
 * the client connection's event loop, so nothing here needs a lock.
 */
final class OriginLeg implements OriginListener {
    private static final Logger LOG = LoggerFactory.getLogger(OriginLeg.class);

    private final Exchange x;
    private final LazyDeadline responseDeadline;
    private Upstream upstream;
    private Upstream failedUpstream;
    private BackendHandler backend;
    private int attempts;
    /** Request body parts read before the origin connection was ready. */
    private ArrayDeque<HttpContent> pending;
    private boolean responseStarted;
    private boolean informational;
    private boolean upgradeRequested;
    private boolean upgrading;
    private boolean clientKeepAlive;
    private boolean backendKeepAlive;
    private boolean replayable;
    /** Discarding an origin's 5xx to serve the shield's fallback at its end. */
    private boolean swallowing;
    /** The origin's response being copied into the shield. */
    private Capture capture;

    OriginLeg(Exchange x) {
        this.x = x;
        this.responseDeadline = new LazyDeadline(x.ctx.executor(), this::onResponseTimeout);
    }

    void reset() {
        upstream = null;
        failedUpstream = null;
        backend = null;
        attempts = 0;
        responseStarted = false;
        informational = false;
        upgradeRequested = false;
        upgrading = false;
        clientKeepAlive = false;
        backendKeepAlive = false;
        replayable = false;
        swallowing = false;
        capture = null;
    }

    /** What the request allows on the way: keep-alive, a retry, a WebSocket upgrade. Before its headers are rewritten. */
    void prepare() {
        HttpRequest req = x.request;
        clientKeepAlive = HttpUtil.isKeepAlive(req) && !x.rt.draining;
        replayable = !x.requestHasBody && isIdempotent(req.method());
        upgradeRequested = !x.requestHasBody && isWebSocketUpgrade(req);
    }

    boolean upgradeRequested() {
        return upgradeRequested;
    }

    /** The origin chosen for this request, or null. */
    Upstream upstream() {
        return upstream;
    }

    /** The response (or a 1xx) began: an error can no longer be answered with a page. */
    boolean started() {
        return responseStarted || informational;
    }

    /** The origin connection can take more of the request body now. */
    boolean writable() {
        return backend != null && backend.channel().isWritable();
    }

    /** Ends the origin side: its deadline, its connection (closed), buffered body parts and the shield copy. */
    void end() {
        responseDeadline.disarm();
        BackendHandler b = backend;
        backend = null;
        if (b != null) {
            b.detach(false);
        }
        if (pending != null) {
            HttpContent c;
            while ((c = pending.poll()) != null) {
                c.release();
            }
        }
        capture = null;
    }

    /** The connection closed for good: the lazy deadline's timer goes too. */
    void close() {
        responseDeadline.cancel();
    }

    // ---------------------------------------------------------------- towards the origin

    void connect() {
        attempts++;
        upstream = x.site.upstreams().pick(x.rt.ticker.getAsLong(), failedUpstream);
        BackendHandler pooled = x.rt.pool.acquire(upstream);
        if (pooled != null) {
            attach(pooled);
        } else {
            open(upstream);
        }
    }

    private void open(Upstream to) {
        int id = x.id;
        BackendHandler handler = x.rt.pool.connect(x.ctx.channel().eventLoop(), to, x.rt.upstreamConnectMillis);
        handler.connectFuture().addListener((ChannelFutureListener) f -> {
            if (!x.is(id, Exchange.Phase.FORWARDING) || !x.ctx.channel().isActive()) {
                f.channel().close(); // the client left or the exchange ended meanwhile
                return;
            }
            if (f.isSuccess()) {
                to.markUp();
                attach(handler);
            } else {
                onConnectFailed(f.cause());
            }
        });
    }

    private void attach(BackendHandler b) {
        backend = b;
        b.attach(this);
        Channel bc = b.channel();
        bc.config().setAutoRead(true);
        bc.write(x.request, bc.voidPromise());
        if (pending != null) {
            HttpContent c;
            while ((c = pending.poll()) != null) {
                bc.write(c, bc.voidPromise());
            }
        }
        bc.flush();
        x.sentNanos = x.rt.ticker.getAsLong();
        if (x.requestDone) {
            startResponseTimer();
        }
        x.conn.readingChanged();
    }

    private void onConnectFailed(Throwable cause) {
        boolean timedOut = cause instanceof ConnectTimeoutException;
        x.rt.metrics.upstreamError(x.siteIndex, timedOut ? UpstreamError.CONNECT_TIMEOUT : UpstreamError.REFUSED);
        x.site.recorder().originFailed(x.standing.known());
        upstream.markDown(x.rt.ticker.getAsLong(), x.rt.upstreamDownNanos);
        LOG.debug("origin {} unreachable: {}", upstream, cause.toString());
        if (attempts < x.site.upstreams().size()) {
            failedUpstream = upstream;
            connect(); // nothing reached the origin: always safe to try the next one
            return;
        }
        x.releaseSlot(-1, true);
        x.fail(timedOut ? 504 : 502);
    }

    /** A part of the request body, while the exchange forwards: on to the origin, or kept until it is connected. */
    void requestContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        x.bytesIn += c.content().readableBytes();
        if (x.bytesIn > x.rt.maxBodyBytes) {
            c.release();
            x.fail(413);
            return;
        }
        BackendHandler b = backend;
        if (b == null) {
            if (pending == null) {
                pending = new ArrayDeque<>(4);
            }
            pending.add(c);
        } else {
            b.channel().write(c, b.channel().voidPromise());
        }
        if (last) {
            x.requestDone = true;
            x.guard.requestComplete();
            if (b != null) {
                b.channel().flush();
                startResponseTimer();
            }
        }
        if (x.bufferingBody && (last || x.bytesIn >= BodyFirst.BUFFERED_BODY_BYTES)) {
            x.bufferingBody = false;
            if (!last) {
                x.conn.pauseReading(); // a large upload arriving at a fair pace: the rest streams once the origin is ready
            }
            x.conn.readingChanged();
            x.resume(); // now it may take an origin slot
            return;
        }
        x.conn.readingChanged();
    }

    /** The client read what it had: send it on to the origin. */
    void flushToOrigin() {
        BackendHandler b = backend;
        if (b != null) {
            b.channel().flush();
        }
    }

    /** The client can (or cannot) take more of the response: the origin's reading follows. */
    void clientWritabilityChanged(boolean writable) {
        BackendHandler b = backend;
        if (b != null) {
            b.channel().config().setAutoRead(writable);
        }
    }

    private void startResponseTimer() {
        responseDeadline.arm(System.nanoTime() + x.rt.upstreamResponseNanos); // LazyDeadline runs on System.nanoTime
    }

    private void onResponseTimeout() {
        if (x.phase == Exchange.Phase.FORWARDING && !responseStarted) {
            x.rt.metrics.upstreamError(x.siteIndex, UpstreamError.RESPONSE_TIMEOUT);
            x.site.recorder().originFailed(x.standing.known());
            x.releaseSlot(-1, true);
            x.fail(504);
        }
    }

    // ---------------------------------------------------------------- the origin's response

    @Override
    public void onResponseHead(HttpResponse res) {
        if (x.phase != Exchange.Phase.FORWARDING) {
            return;
        }
        int code = res.status().code();
        if (res.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            if (code == 101) {
                if (upgradeRequested && res.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
                    acceptUpgrade(res);
                } else {
                    // only WebSocket upgrades are offered to origins: switching to anything else is broken
                    x.rt.metrics.upstreamError(x.siteIndex, UpstreamError.RESET);
                    x.fail(502);
                }
                return;
            }
            informational = true;
            Headers.removeHopByHop(res.headers());
            res.setProtocolVersion(HttpVersion.HTTP_1_1);
            x.ctx.write(res, x.ctx.voidPromise());
            return;
        }
        responseDeadline.disarm();
        responseStarted = true;
        x.status = code;
        x.upstreamNanos = x.rt.ticker.getAsLong() - x.sentNanos;
        x.releaseSlot(x.upstreamNanos, code == 503);
        x.site.recorder().originAnswered(code, x.upstreamNanos, x.standing.known());
        x.rt.metrics.upstreamLatency(x.siteIndex, x.upstreamNanos);
        LogIns.watch(x, res.headers());
        if (code >= 500 && x.fallback != null) {
            swallowing = true; // read the origin's error to its end, then serve the stale copy or snapshot
            return;
        }
        x.rt.metrics.response(x.siteIndex, code);
        HttpHeaders h = res.headers();
        framing(res, code, h);
        if (x.shieldKey != null) {
            capture = x.rt.shield.capture(x.shieldKey, x.request, res);
            if (capture == null) {
                if (!x.shieldPassing) {
                    x.rt.shield.markPass(x.shieldKey);
                }
                x.landFlight(); // not storable: whoever waits goes to the origin now
            }
        }
        h.add(HttpHeaderNames.VIA, Headers.VIA_VALUE);
        h.set(Headers.X_RAMPART_REF, x.refText());
        String hsts = x.site.https().hsts();
        if (hsts != null && "https".equals(x.scheme)) {
            h.set("strict-transport-security", hsts);
        }
        String clearance = x.standing.setCookie();
        if (clearance != null) {
            // a challenge solved on this request: its clearance rides on the origin's response
            h.add(HttpHeaderNames.SET_COOKIE, clearance);
            h.add(HttpHeaderNames.SET_COOKIE, Gatekeeper.expireSolutionCookie());
        }
        res.setProtocolVersion(HttpVersion.HTTP_1_1);
        x.ctx.write(res, x.ctx.voidPromise());
    }

    /** How the response's body ends towards the client (length, chunked, or close) and whether both sides stay open. */
    private void framing(HttpResponse res, int code, HttpHeaders h) {
        boolean hasLength = h.contains(HttpHeaderNames.CONTENT_LENGTH);
        boolean chunked = HttpUtil.isTransferEncodingChunked(res);
        backendKeepAlive = HttpUtil.isKeepAlive(res);
        Headers.removeHopByHop(h);
        boolean mayHaveBody = !(code == 204 || code == 304 || x.request.method() == HttpMethod.HEAD);
        boolean http10 = x.clientVersion.minorVersion() == 0;
        if (!hasLength && !chunked && mayHaveBody) {
            backendKeepAlive = false; // the origin ends this body by closing
            if (http10) {
                clientKeepAlive = false;
            } else {
                HttpUtil.setTransferEncodingChunked(res, true);
            }
        } else if (chunked && http10) {
            h.remove(HttpHeaderNames.TRANSFER_ENCODING); // HTTP/1.0 has no chunked: end by closing
            clientKeepAlive = false;
        }
        if (!clientKeepAlive || x.rt.draining) {
            clientKeepAlive = false;
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (http10) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
    }

    /** The origin accepted a WebSocket upgrade: relay its 101, then (at its end) become a tunnel. */
    private void acceptUpgrade(HttpResponse res) {
        responseDeadline.disarm();
        upgrading = true;
        responseStarted = true;
        x.status = 101;
        x.upstreamNanos = x.rt.ticker.getAsLong() - x.sentNanos;
        x.releaseSlot(-1, false); // a WebSocket lives long and costs the origin little: it holds no slot
        x.landFlight();
        x.rt.metrics.upstreamLatency(x.siteIndex, x.upstreamNanos);
        x.rt.metrics.response(x.siteIndex, 101);
        Headers.removeHopByHop(res.headers());
        Headers.offerWebSocketUpgrade(res.headers());
        res.headers().add(HttpHeaderNames.VIA, Headers.VIA_VALUE);
        res.headers().set(Headers.X_RAMPART_REF, x.refText());
        x.ctx.write(res, x.ctx.voidPromise());
    }

    @Override
    public void onResponseContent(HttpContent c) {
        if (x.phase != Exchange.Phase.FORWARDING) {
            c.release();
            return;
        }
        boolean last = c instanceof LastHttpContent;
        if (upgrading) {
            x.ctx.writeAndFlush(c, x.ctx.voidPromise());
            if (last) {
                BackendHandler b = backend;
                backend = null;
                x.end(false);
                x.conn.tunnel(b.channel());
            }
            return;
        }
        if (informational) {
            x.ctx.write(c, x.ctx.voidPromise());
            if (last) {
                informational = false;
            }
            return;
        }
        if (swallowing) {
            c.release();
            if (last) {
                swallowing = false;
                end();
                x.landFlight();
                Responder.serveFallback(x);
            }
            return;
        }
        if (capture != null && !capture.append(c.content())) {
            capture = null; // too large to keep
            x.landFlight();
        }
        x.bytesOut += c.content().readableBytes();
        if (!last) {
            x.ctx.write(c, x.ctx.voidPromise());
            if (!x.ctx.channel().isWritable() && backend != null) {
                backend.channel().config().setAutoRead(false);
            }
            return;
        }
        BackendHandler b = backend;
        backend = null;
        responseDeadline.disarm();
        b.detach(backendKeepAlive && x.requestDone);
        if (capture != null) {
            x.rt.shield.store(capture);
            capture = null;
        }
        x.end(false);
        // keep the connection unless the origin answered before the body ended (its end is unknown) or the client asked to close
        x.conn.finish(c, clientKeepAlive && x.requestDone && !x.rt.draining, false);
    }

    @Override
    public void flushToClient() {
        x.ctx.flush();
    }

    @Override
    public void onOriginWritabilityChanged(boolean writable) {
        if (x.phase == Exchange.Phase.FORWARDING) {
            x.conn.readingChanged();
        }
    }

    @Override
    public void onOriginFailed(BackendHandler b, boolean badResponse) {
        if (b != backend || x.phase != Exchange.Phase.FORWARDING) {
            return;
        }
        backend = null;
        responseDeadline.disarm();
        if (!started() && !badResponse && b.reused() && replayable && attempts < 3) {
            // a pooled connection the origin had closed while idle: the request never reached it
            LOG.debug("stale pooled connection to {}, retrying", upstream);
            attempts++;
            if (x.requestDone) {
                pending = new ArrayDeque<>(1);
                pending.add(LastHttpContent.EMPTY_LAST_CONTENT);
            }
            open(upstream);
            return;
        }
        x.rt.metrics.upstreamError(x.siteIndex, UpstreamError.RESET);
        x.fail(502);
    }

    /** A GET offering {@code Upgrade: websocket} with {@code Connection: upgrade}; other upgrades (h2c) are stripped. */
    private static boolean isWebSocketUpgrade(HttpRequest req) {
        return req.method() == HttpMethod.GET
                && req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    private static boolean isIdempotent(HttpMethod m) {
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS
                || m == HttpMethod.PUT || m == HttpMethod.DELETE;
    }
}

package io.rampart.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;

/**
 * The request is made ready for the origin (forwarding headers, a WebSocket upgrade re-offered)
 * and, if it has a body, the body is read before the request may take an origin slot: whole if it
 * is small, its first 64 KB otherwise (the rest streams once the origin is ready). A client that
 * trickles its body (slow POST) holds a connection here, never an origin slot. A client that waits
 * for {@code 100 Continue} gets it from Rampart, as nginx gives it when it buffers.
 */
final class BodyFirst implements Step {
    /** A request body is read up to this much (whole, if smaller) before the request is admitted. */
    static final long BUFFERED_BODY_BYTES = 64 * 1024;

    @Override
    public Outcome apply(Exchange x) {
        x.phase = Exchange.Phase.FORWARDING;
        HttpRequest req = x.request;
        x.origin.prepare();
        ForwardHeaders.prepareRequest(req, x.peer, x.peerTrusted, x.authority, x.scheme);
        if (x.origin.upgradeRequested()) {
            Headers.offerWebSocketUpgrade(req.headers()); // Upgrade and Connection are hop-by-hop: offered again
        }
        if (!x.requestHasBody) {
            // A body-less request keeps reading on: toggling auto-read costs two epoll_ctl calls per
            // request, and whatever a client pipelines lands in the inbox, which pauses reading itself.
            return Outcome.CONTINUE;
        }
        x.guard.bodyStarted();
        if (x.requestDone) {
            x.conn.pauseReading(); // the body waits for the origin connection
            return Outcome.CONTINUE;
        }
        x.bufferingBody = true;
        if (HttpUtil.is100ContinueExpected(req)) {
            HttpUtil.set100ContinueExpected(req, false); // the origin gets the whole body, no Expect
            x.ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                    Unpooled.EMPTY_BUFFER), x.ctx.voidPromise());
        }
        return Outcome.WAIT; // resumed by the origin leg once enough of the body is in
    }
}

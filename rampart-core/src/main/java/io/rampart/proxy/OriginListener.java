package io.rampart.proxy;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;

/**
 * What a pooled origin connection ({@link BackendHandler}) reports to the exchange it is serving.
 * All calls arrive on the event loop the client connection and the origin connection share.
 */
interface OriginListener {
    /** The origin's response head (also 1xx informational heads). */
    void onResponseHead(HttpResponse res);

    /** A piece of the origin's response body; the last one is a {@code LastHttpContent}. */
    void onResponseContent(HttpContent c);

    /** The origin connection read everything it had: write it on to the client. */
    void flushToClient();

    /** The origin connection can (or cannot) take more of the request body. */
    void onOriginWritabilityChanged(boolean writable);

    /**
     * The origin connection closed or broke while serving this exchange.
     *
     * @param badResponse the origin sent something the decoder refused (never retried)
     */
    void onOriginFailed(BackendHandler origin, boolean badResponse);
}

package io.rampart.proxy;

import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.ConnectionPrints;

/**
 * One HTTP/2 stream (a child channel of {@link Http2Front}'s multiplexer), seen as a client
 * connection that carries exactly one request: Netty's stream codec turns its frames into the
 * same request head and body parts HTTP/1.1 decodes, and the stream's {@link Exchange} runs the
 * same {@link RequestPath}. There is no pipelining and no upgrade on a stream; closing it resets
 * the stream, not the connection.
 */
final class Http2Stream extends ClientConnection {
    Http2Stream(GatewayRuntime rt, ClientGuard guard, ClientAddress peer, boolean peerTrusted, String scheme,
                ConnectionPrints prints) {
        super(rt, guard, peer, peerTrusted, scheme, prints);
    }
}

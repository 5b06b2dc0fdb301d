/**
 * The reverse proxy: listeners, the per-connection pipeline, the request path and the way to the
 * origins.
 *
 * <p>One connection's pipeline, from the socket inwards:
 * <pre>
 *  accept ─▶ {@link io.rampart.proxy.ConnectionGate}   deny list and connection caps, before any parsing
 *         ─▶ [PROXY protocol decoder]                    when the listener enables it
 *         ─▶ [TLS, then ALPN]  or  [h2c preface]         {@link io.rampart.proxy.AlpnRouter}, {@link io.rampart.proxy.H2cPrefaceDetector}
 *         ─▶ {@link io.rampart.proxy.ClientGuard}        request-head deadline, body rate, idle and write timeouts, obs-fold
 *         ─▶ {@link io.rampart.proxy.FrontCodec}         Netty's strict HTTP/1.1 parser and encoder, common names as constants
 *         ─▶ {@link io.rampart.proxy.Http1Connection}    keep-alive, pipelining, one {@link io.rampart.proxy.Exchange} at a time
 *              (HTTP/2: {@link io.rampart.proxy.Http2Front} ─▶ one {@link io.rampart.proxy.Http2Stream} per stream)
 * </pre>
 * Each request then runs the {@link io.rampart.proxy.RequestPath}: a fixed sequence of small
 * {@link io.rampart.proxy.Step}s (hygiene, route, identify, limits, rules, challenge, shield,
 * admission, connect), each of which continues, answers through the
 * {@link io.rampart.proxy.Responder}, or waits. The {@link io.rampart.proxy.OriginLeg} takes
 * pooled origin connections ({@link io.rampart.proxy.UpstreamPool}, {@link io.rampart.proxy.OriginCodec},
 * {@link io.rampart.proxy.BackendHandler}, on the same event loop) and relays the response.
 * Bodies stream in both directions with backpressure (auto-read is switched off while the other
 * side cannot take more). {@link io.rampart.proxy.Gateway} builds and owns it all.
 */
package io.rampart.proxy;

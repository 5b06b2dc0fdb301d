/**
 * The reverse proxy: listeners, the per-connection pipeline, and the path to the origins.
 *
 * <p>The request's path through this package, one connection's pipeline from socket inwards:
 * <pre>
 *  accept ─▶ {@link io.rampart.proxy.ConnectionGate}   deny list and connection caps, before any parsing
 *         ─▶ [PROXY protocol decoder]                    when the listener enables it
 *         ─▶ {@link io.rampart.proxy.ClientGuard}        request-head deadline, body rate, idle and write timeouts, obs-fold
 *         ─▶ HttpServerCodec                             Netty's strict HTTP/1.1 parser and encoder
 *         ─▶ {@link io.rampart.proxy.FrontendHandler}    hygiene, identify, route, decide, forward
 *         ─▶ {@link io.rampart.proxy.UpstreamPool} / {@link io.rampart.proxy.BackendHandler}  pooled origin connections on the same event loop
 * </pre>
 * Bodies stream in both directions with backpressure (auto-read is switched off while the other
 * side cannot take more). {@link io.rampart.proxy.Gateway} builds and owns it all.
 */
package io.rampart.proxy;

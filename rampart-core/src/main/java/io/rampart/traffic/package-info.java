/**
 * Traffic identity and recording: who sent a request, as primitives.
 *
 * <p>Sits at the "Identify" step of the request path, right after the HTTP codec: a connection's
 * peer (or the client named by a trusted proxy / PROXY protocol) becomes a {@link io.rampart.traffic.ClientAddress}
 * holding the address as {@code long}s and 64-bit keys for the client and its network prefix.
 * Keys are hashed with a per-process random seed ({@link io.rampart.traffic.KeyHash}) so an attacker
 * cannot aim collisions at the limiter table.
 */
package io.rampart.traffic;

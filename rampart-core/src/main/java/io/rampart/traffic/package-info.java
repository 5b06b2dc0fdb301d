/**
 * Traffic identity and recording: who sent a request, as primitives.
 *
 * <p>Sits at the "Identify" step of the request path, right after the HTTP codec: a connection's
 * peer (or the client named by a trusted proxy / PROXY protocol) becomes a {@link io.rampart.traffic.ClientAddress}
 * holding the address as {@code long}s and 64-bit keys for the client and its network prefix.
 * Keys are hashed with a per-process random seed ({@link io.rampart.traffic.KeyHash}) so an attacker
 * cannot aim collisions at the limiter table.
 *
 * <p>Also the "Record" step: once routed, a request is described along every
 * {@link io.rampart.traffic.Dimension} ({@link io.rampart.traffic.RequestFeatures}, keyed hashes from
 * {@link io.rampart.traffic.FeatureHasher}) and written to its site's
 * {@link io.rampart.traffic.TrafficRecorder}, which the control plane ({@code io.rampart.detect})
 * drains once per tick.
 */
package io.rampart.traffic;

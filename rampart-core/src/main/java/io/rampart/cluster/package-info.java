/**
 * Cluster mode's seam in the core, beside the request path: what a node shares with the others
 * and how it hears theirs. The data plane never waits on it.
 *
 * <ul>
 *   <li>{@link io.rampart.cluster.SharedDecision}: one decision (a list entry, an operator rule, a pin,
 *       an under-attack switch, an automatic rule, a spent challenge) as it travels between nodes,
 *       with an absolute end so that replaying an old one is harmless;</li>
 *   <li>{@link io.rampart.cluster.Decisions}: where the components that take decisions
 *       ({@code AccessLists}, {@code ControlPlane}, the gateway's switches) publish them, and how a
 *       decision heard from another node is applied without being published again;</li>
 *   <li>{@link io.rampart.cluster.ClusterSecrets}: the keys every node must share (the challenge's
 *       signing secret, the feature hash key rules are written in);</li>
 *   <li>{@link io.rampart.cluster.ClusterLink}: what the store's side (module {@code rampart-redis})
 *       offers the gateway and the admin API.</li>
 * </ul>
 *
 * <p>Rate limits cross the seam through {@link io.rampart.mitigate.LimitExchange}. Without a
 * cluster every piece here is inert: {@link io.rampart.cluster.Decisions#NONE} publishes nowhere.
 */
package io.rampart.cluster;

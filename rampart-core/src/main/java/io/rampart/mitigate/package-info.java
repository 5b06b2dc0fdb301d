/**
 * Mitigation: verdicts, limits and lists — the "Decide" step of the request path.
 *
 * <p>After a request is identified ({@link io.rampart.traffic.ClientAddress}) and routed to a site,
 * {@link io.rampart.mitigate.RequestDecider} reads immutable compiled limits and lists, consults the
 * {@link io.rampart.mitigate.GcraTable}, and fills a reusable {@link io.rampart.mitigate.Decision}:
 * no locks, no allocation, no I/O. Allow-list entries win over every other decision.
 *
 * <p>It also holds what the control plane decides for the data plane: the immutable
 * {@link io.rampart.mitigate.Policy} (one {@link io.rampart.mitigate.SitePolicy} per site: automatic
 * {@link io.rampart.mitigate.Rule}s made of {@link io.rampart.mitigate.Condition}s, and the widened
 * challenge), published through {@link io.rampart.mitigate.PolicyHolder} and read once per request.
 */
package io.rampart.mitigate;

/**
 * Mitigation: verdicts, limits and lists — the "Decide" step of the request path.
 *
 * <p>After a request is identified ({@link io.rampart.traffic.ClientAddress}) and routed to a site,
 * {@link io.rampart.mitigate.RequestDecider} reads immutable compiled limits and lists, consults the
 * {@link io.rampart.mitigate.GcraTable}, and fills a reusable {@link io.rampart.mitigate.Decision}:
 * no locks, no allocation, no I/O. Allow-list entries win over every other decision.
 */
package io.rampart.mitigate;

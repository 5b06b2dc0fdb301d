/**
 * Admission: how much of an origin's capacity each request may use — the "Admit" step, after
 * "Decide" and the challenge, just before a request is forwarded.
 *
 * <p>{@link io.rampart.admission.AdaptiveLimit} keeps a concurrency limit per site that follows the
 * origin's latency, so Rampart itself never drives an origin into collapse. {@link
 * io.rampart.admission.AdmissionGate} admits requests under that limit by {@link
 * io.rampart.admission.Lane}: known clients first and with a reserved share, suspect clients last
 * and capped, everyone else in between; a request that finds no slot waits briefly in a bounded
 * queue and is then answered {@code 503} with {@code Retry-After}.
 */
package io.rampart.admission;

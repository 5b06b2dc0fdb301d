package io.rampart.lab.scenario;

/**
 * What counts as success for a scenario; every bound is optional. A target passes when it meets
 * every bound that is set.
 *
 * @param legitOkMin                     least share of legitimate requests answered well during the event window
 * @param legitP99MaxMillis              highest legitimate p99 latency during the event window
 * @param attackToOriginMaxShare         highest share of attack requests that may reach the origin
 * @param originOverCapacityMaxSeconds   most seconds the origin may spend over capacity
 * @param timeToMitigateMaxSeconds       longest time from onset until 90% of attack requests are kept off the origin
 * @param legitClientsRefusedMax         most legitimate clients that may be limited, blocked or challenged
 * @param knownOkMin                     least share of known users' (logged-in staff) requests answered well in the window
 * @param knownP99MaxRatio               known users' p99 in the window at most this many times their p99 before the attack
 * @param legitP99MaxRatio               legitimate p99 in the window at most this many times the p99 before the attack
 *                                       (a solved challenge's own cost is counted apart, as the issue asks)
 */
public record Criteria(Double legitOkMin, Double legitP99MaxMillis, Double attackToOriginMaxShare,
                       Integer originOverCapacityMaxSeconds, Double timeToMitigateMaxSeconds,
                       Integer legitClientsRefusedMax, Double knownOkMin, Double knownP99MaxRatio,
                       Double legitP99MaxRatio) {
    public static final Criteria NONE = new Criteria(null, null, null, null, null, null, null, null, null);
}

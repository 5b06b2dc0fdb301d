package io.rampart.config;

import java.time.Duration;

/**
 * Per-client rate limits. Set at the top level (defaults for every site), per site, and per route;
 * each level inherits what it leaves out from the level above.
 *
 * @param perClient   limit per client address
 * @param perPrefix   limit per network prefix (/24 for IPv4, /64 for IPv6): a neighbourhood of sources
 * @param action      what a client over a limit gets
 * @param tarpitDelay how long the {@code tarpit} action holds a request before answering
 */
public record LimitsConfig(RateConfig perClient, RateConfig perPrefix, LimitAction action, Duration tarpitDelay) {
    public static final LimitsConfig DEFAULT = new LimitsConfig(
            new RateConfig(50.0, 100), new RateConfig(500.0, 1000), LimitAction.LIMIT, Duration.ofSeconds(5));

    /** This level with every omitted field taken from {@code parent}. */
    public LimitsConfig inherit(LimitsConfig parent) {
        return new LimitsConfig(
                merge(perClient, parent.perClient),
                merge(perPrefix, parent.perPrefix),
                action != null ? action : parent.action,
                tarpitDelay != null ? tarpitDelay : parent.tarpitDelay);
    }

    private static RateConfig merge(RateConfig child, RateConfig parent) {
        if (child == null) {
            return parent;
        }
        if (child.rate() == null && parent != null) {
            return new RateConfig(parent.rate(), child.burst() != null ? child.burst() : parent.burst());
        }
        return child;
    }
}

package io.rampart.mitigate;

import io.rampart.config.LimitAction;

/**
 * The limits in force for one site or route, compiled from configuration: per-client and
 * per-prefix GCRA limits (either may be absent) and the action for clients over them.
 */
public record SiteLimits(RateLimit perClient, RateLimit perPrefix, LimitAction action, long tarpitNanos) {
}

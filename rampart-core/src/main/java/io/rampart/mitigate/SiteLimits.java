package io.rampart.mitigate;

import io.rampart.config.LimitAction;

/**
 * The limits in force for one site or route, compiled from configuration: per-client and
 * per-prefix GCRA limits (either may be absent), the action for clients over them, and the budget
 * one address may share among its known users (the per-client limit times
 * {@code knownUsers.usersPerAddress}; absent with the per-client limit).
 */
public record SiteLimits(RateLimit perClient, RateLimit perPrefix, LimitAction action, long tarpitNanos, RateLimit sharedAddress) {
    public SiteLimits(RateLimit perClient, RateLimit perPrefix, LimitAction action, long tarpitNanos) {
        this(perClient, perPrefix, action, tarpitNanos, null);
    }
}

package io.rampart.mitigate;

import io.rampart.config.LimitAction;

/**
 * The limits in force for one site or route, compiled from configuration: per-client and
 * per-prefix GCRA limits (either may be absent), the action for clients over them, and the budget
 * one address may share among its known users (the per-client limit times
 * {@code knownUsers.usersPerAddress}; absent with the per-client limit), and the per-client limit
 * scaled for addresses the control plane found shared by several known users.
 */
public record SiteLimits(RateLimit perClient, RateLimit perPrefix, LimitAction action, long tarpitNanos, RateLimit sharedAddress,
                         RateLimit[] perClientShared) {
    public SiteLimits(RateLimit perClient, RateLimit perPrefix, LimitAction action, long tarpitNanos) {
        this(perClient, perPrefix, action, tarpitNanos, null, null);
    }

    public SiteLimits(RateLimit perClient, RateLimit perPrefix, LimitAction action, long tarpitNanos, RateLimit sharedAddress) {
        this(perClient, perPrefix, action, tarpitNanos, sharedAddress, sharedScales(perClient, SHARED_MAX));
    }

    /** The most people one shared address is credited with, whatever {@code knownUsers.usersPerAddress}. */
    public static final int SHARED_MAX = 64;

    /**
     * The per-client limit of an address shared by {@code users} known users (an office NAT, learned
     * by the control plane): {@code users} times the rate and the burst, in the same bucket.
     */
    public RateLimit perClientFor(int users) {
        RateLimit[] s = perClientShared;
        if (users <= 1 || s == null) {
            return perClient;
        }
        return s[Math.min(users, s.length - 1)];
    }

    /** {@code limit} scaled 1 to {@code max} times: the emission interval shrinks, the tolerance in time stays. */
    static RateLimit[] sharedScales(RateLimit limit, int max) {
        if (limit == null) {
            return null;
        }
        RateLimit[] out = new RateLimit[max + 1];
        for (int m = 1; m <= max; m++) {
            long t = Math.max(1, limit.emissionIntervalNanos() / m);
            out[m] = new RateLimit(limit.id(), t, limit.toleranceNanos(), limit.rate() * m, (int) Math.min(Integer.MAX_VALUE, (long) limit.burst() * m));
        }
        out[0] = limit;
        return out;
    }
}

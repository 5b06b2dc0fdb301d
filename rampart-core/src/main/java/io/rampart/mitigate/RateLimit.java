package io.rampart.mitigate;

/**
 * A compiled GCRA limit: the emission interval {@code T = 1/rate} and the tolerance {@code T × burst},
 * both in nanoseconds, plus the id that separates this limit's keys from every other limit's in the
 * shared table.
 */
public record RateLimit(long id, long emissionIntervalNanos, long toleranceNanos, double rate, int burst) {
    public static RateLimit of(long id, double ratePerSecond, int burst) {
        if (!(ratePerSecond > 0) || burst < 1) {
            throw new IllegalArgumentException("rate must be > 0 and burst >= 1");
        }
        long t = Math.max(1, Math.round(1_000_000_000d / ratePerSecond));
        return new RateLimit(id, t, Math.multiplyExact(t, (long) burst), ratePerSecond, burst);
    }
}

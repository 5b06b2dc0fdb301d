package io.rampart.config;

/**
 * A rate limit: a sustained {@code rate} in requests per second and a {@code burst} of requests
 * that may arrive at once on top of it (GCRA: the burst is the bucket depth).
 */
public record RateConfig(Double rate, Integer burst) {
    public RateConfig {
        // burst defaults to two seconds' worth of the rate, at least 1
        if (burst == null && rate != null) {
            burst = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(rate * 2)));
        }
    }
}

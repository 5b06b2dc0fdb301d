package io.rampart.config;

/**
 * The limiter's state table: a fixed number of slots (16 bytes each) shared by every limit on the
 * node. It never grows: a flood from a million sources evicts the clients closest to a full bucket.
 */
public record LimiterConfig(Integer tableSize) {
    public static final LimiterConfig DEFAULT = new LimiterConfig(null);

    public LimiterConfig {
        tableSize = tableSize == null ? 1 << 18 : tableSize;
    }
}

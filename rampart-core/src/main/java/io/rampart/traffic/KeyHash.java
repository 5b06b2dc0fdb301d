package io.rampart.traffic;

import java.security.SecureRandom;

/**
 * Seeded 64-bit mixing for table keys.
 *
 * <p>Design note: keys that feed bounded tables (limiter, later sketches) are derived from
 * attacker-chosen values (addresses, headers). Mixing them with a random per-process seed through
 * the murmur3 finaliser (fmix64, a bijection with full avalanche) means an attacker cannot predict
 * which slots their keys land in, so collisions cannot be aimed. Never returns 0, which tables use
 * as "empty".
 */
public final class KeyHash {
    private static final long SEED = new SecureRandom().nextLong() | 1L;

    private KeyHash() {
    }

    public static long mix(long x) {
        long h = fmix64(x ^ SEED);
        return h == 0 ? 0x9E3779B97F4A7C15L : h;
    }

    /**
     * The murmur3 finaliser, unseeded: a bijection with full avalanche. For values that must be the
     * same on every node (client-bound tickets, a cluster's names for keys); never for keys of a
     * table an attacker could aim at, which take {@link #mix(long)}.
     */
    public static long fmix64(long x) {
        x ^= x >>> 33;
        x *= 0xff51afd7ed558ccdL;
        x ^= x >>> 33;
        x *= 0xc4ceb9fe1a85ec53L;
        x ^= x >>> 33;
        return x;
    }

    /**
     * FNV-1a over the chars of {@code s} before {@code end}: deterministic (not seeded), so the same
     * on every node; mix it with {@link #mix(long, long, long)} before it keys a table. No allocation.
     */
    public static long fnv1a(CharSequence s, int end) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < end; i++) {
            h = (h ^ s.charAt(i)) * 0x100000001b3L;
        }
        return h;
    }

    /** Mixes two words and a small tag that separates key spaces (address, prefix, limit id...). */
    public static long mix(long tag, long hi, long lo) {
        return mix(mix(hi * 0x9E3779B97F4A7C15L + tag) ^ lo);
    }
}

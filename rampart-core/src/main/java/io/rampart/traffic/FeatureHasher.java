package io.rampart.traffic;

import java.security.SecureRandom;

/**
 * A keyed 64-bit hash of request features (paths, user agents, fingerprints).
 *
 * <p>Design note: feature values are chosen by clients, and the detector's rules and baselines
 * compare them by hash. With a public hash an attacker could craft a path that collides with the
 * home page, so that any rule against their path would seem to hit the home page's visitors and be
 * refused as too costly. The hash is FNV-1a started from a secret basis and finished with the
 * murmur3 finaliser, so without the key collisions cannot be aimed. The key is random per
 * installation and persisted with the baselines (they would mean nothing after a restart under a
 * new key). Never returns 0, which means "no value".
 */
public final class FeatureHasher {
    private final long key;

    public FeatureHasher(long key) {
        this.key = key;
    }

    /** A hasher with a fresh random key. */
    public static FeatureHasher random() {
        return new FeatureHasher(new SecureRandom().nextLong());
    }

    public long key() {
        return key;
    }

    /** Starts a running hash (feed it with {@link #step}, end with {@link #finish}). */
    public long start() {
        return 0xcbf29ce484222325L ^ key;
    }

    public static long step(long h, int c) {
        return (h ^ c) * 0x100000001b3L;
    }

    public static long finish(long h) {
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h == 0 ? 1 : h;
    }

    /** The hash of the chars of {@code s} in {@code [from, to)}. */
    public long hash(CharSequence s, int from, int to) {
        long h = start();
        for (int i = from; i < to; i++) {
            h = step(h, s.charAt(i));
        }
        return finish(h);
    }

    /** The hash of {@code s}; 0 for {@code null}. */
    public long hash(CharSequence s) {
        return s == null ? 0 : hash(s, 0, s.length());
    }

    /** The hash of a number (addresses, networks). */
    public long hash(long x) {
        return finish(start() ^ (x * 0x9E3779B97F4A7C15L));
    }
}

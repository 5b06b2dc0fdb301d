package io.rampart.admission;

/**
 * How much origin time each client, and each path, has used lately: the fairness measure inside
 * a lane. Client and path keys share one table; callers keep their key spaces apart.
 *
 * <p>Design note: per client key, a sum of origin round-trip nanoseconds that halves every
 * {@code halfLife} (an exponentially decayed counter, updated lazily on read and write). A client
 * that keeps the origin busy (a bot on the search page) accumulates; a reader served from the
 * shield, or an app calling a cheap API, stays near zero. Waiters are ordered by it, so within a
 * lane the origin's time goes to those who used least of it — weighted fair queueing by cost,
 * without knowing any page's cost in advance.
 *
 * <p>Layout: three parallel arrays (key, decayed sum, last update) of a power-of-two capacity,
 * open addressing over a window of 8 slots; when a window is full, the entry with the least use is
 * replaced (a forgotten client restarts at zero, which only ever favours it). Not thread-safe: the
 * {@link AdmissionGate} calls it under its monitor.
 */
final class OriginUse {
    private static final int PROBE = 8;
    private final long[] keys;
    private final double[] use;
    private final long[] stamp;
    private final int mask;
    private final double decayPerNano;

    OriginUse(int capacity, long halfLifeNanos) {
        int cap = Integer.highestOneBit(Math.max(PROBE, capacity - 1) << 1);
        keys = new long[cap];
        use = new double[cap];
        stamp = new long[cap];
        mask = cap - 1;
        decayPerNano = Math.log(2) / halfLifeNanos;
    }

    /** The client's decayed use at {@code now}; 0 for a client not in the table. */
    double get(long key, long now) {
        int s = find(key);
        return s < 0 ? 0 : decayed(s, now);
    }

    /** Adds {@code nanos} of origin time to the client's use. */
    void add(long key, long nanos, long now) {
        int s = find(key);
        if (s < 0) {
            s = claim(key, now);
            keys[s] = key;
            use[s] = 0;
        } else {
            use[s] = decayed(s, now);
        }
        use[s] += nanos;
        stamp[s] = now;
    }

    private double decayed(int s, long now) {
        long dt = now - stamp[s];
        return dt <= 0 ? use[s] : use[s] * Math.exp(-dt * decayPerNano);
    }

    private int find(long key) {
        int start = slot(key);
        for (int i = 0; i < PROBE; i++) {
            int s = (start + i) & mask;
            if (keys[s] == key && key != 0) {
                return s;
            }
        }
        return -1;
    }

    private int claim(long key, long now) {
        int start = slot(key);
        int victim = start;
        double least = Double.MAX_VALUE;
        for (int i = 0; i < PROBE; i++) {
            int s = (start + i) & mask;
            if (keys[s] == 0) {
                return s;
            }
            double u = decayed(s, now);
            if (u < least) {
                least = u;
                victim = s;
            }
        }
        return victim;
    }

    private int slot(long key) {
        long k = key * 0x9E3779B97F4A7C15L;
        return (int) (k ^ (k >>> 32)) & mask;
    }
}

package io.rampart.mitigate;

import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.KeyHash;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;

/**
 * What this node admitted per rate-limit key since the last reconciliation with the cluster: the
 * data plane counts here, the cluster's sync thread drains the busiest keys, asks the store for the
 * cluster-wide backlog of each, and aligns the local buckets with it ({@link GcraTable#align}).
 *
 * <p>Design note: a fixed table of {@value #CAPACITY} slots (cluster key, local key, limit, count),
 * open addressing over {@value #PROBE} slots, claimed by CAS, counted with an atomic add: no lock
 * and no allocation per request. Keys are named in the store by a hash keyed with the cluster's
 * shared key, never by address. A key that counted nothing over a whole interval gives its slot
 * back at the next drain; a key that finds no free slot in its window is not reconciled this
 * interval (counted in {@link #untracked()}), so a flood of a million one-request sources cannot
 * crowd out the heavy hitters for more than one interval, and the table never grows.
 * Without a cluster the exchange is {@link #OFF} and the data plane never calls it.
 */
public final class LimitExchange {
    static final int CAPACITY = 1 << 15;
    static final int PROBE = 8;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    /** No cluster: nothing is counted. */
    public static final LimitExchange OFF = new LimitExchange(0, false);

    private final boolean on;
    private final long seed;
    private final long[] clusterKeys;
    private final long[] localKeys;
    private final RateLimit[] limits;
    private final long[] counts;
    private final int mask;
    private volatile long untracked;

    /** @param seed the cluster's shared key (every node names a key the same way) */
    public LimitExchange(long seed) {
        this(seed, true);
    }

    private LimitExchange(long seed, boolean on) {
        this.on = on;
        this.seed = seed;
        int cap = on ? CAPACITY : PROBE;
        clusterKeys = new long[cap];
        localKeys = new long[cap];
        limits = new RateLimit[cap];
        counts = new long[cap];
        mask = cap - 1;
    }

    public boolean enabled() {
        return on;
    }

    /** One request from {@code client} admitted under its per-client limit {@code limit}. */
    public void admittedClient(ClientAddress client, RateLimit limit) {
        if (on) {
            count(clusterKey(limit.id(), client.hi(), client.lo()), client.key(), limit);
        }
    }

    /** One request from {@code client}'s network admitted under the per-prefix limit {@code limit}. */
    public void admittedPrefix(ClientAddress client, RateLimit limit) {
        if (on) {
            long hi = client.isIpv6() ? client.hi() : 0;
            long lo = client.isIpv6() ? 0 : client.lo() & 0xFFFFFF00L;
            count(clusterKey(limit.id() ^ 0x7072_6566L, hi, lo), client.prefixKey(), limit);
        }
    }

    private long clusterKey(long id, long hi, long lo) {
        long h = KeyHash.fmix64(seed ^ (id * 0x9E3779B97F4A7C15L + hi));
        h = KeyHash.fmix64(h ^ lo ^ (seed >>> 7));
        return h == 0 ? 1 : h;
    }

    private void count(long ck, long localKey, RateLimit limit) {
        int start = (int) (ck ^ (ck >>> 32)) & mask;
        for (int i = 0; i < PROBE; i++) {
            int s = (start + i) & mask;
            long k = (long) LONGS.getVolatile(clusterKeys, s);
            if (k == ck) {
                LONGS.getAndAdd(counts, s, 1L);
                return;
            }
            if (k == 0) {
                if (LONGS.compareAndSet(clusterKeys, s, 0L, ck)) {
                    localKeys[s] = localKey;
                    limits[s] = limit;
                    LONGS.getAndAdd(counts, s, 1L); // publishes the two writes above to the drain
                    return;
                }
                if ((long) LONGS.getVolatile(clusterKeys, s) == ck) {
                    LONGS.getAndAdd(counts, s, 1L);
                    return;
                }
            }
        }
        untracked++; // racy on purpose: a statistic
    }

    /** Requests that found no slot (not reconciled in their interval). */
    public long untracked() {
        return untracked;
    }

    /** What one drained key counted: the store's name for it, and how to find its local bucket. */
    public record Charge(long clusterKey, long localKey, RateLimit limit, long count) {
    }

    /**
     * Takes the counts of the busiest {@code max} keys since the last drain (their counts start
     * again from 0); keys that counted nothing give their slot back. For the sync thread only; an
     * element may be null (a slot being claimed at that instant).
     */
    public Charge[] drain(int max) {
        int n = 0;
        long[] found = new long[64];
        for (int s = 0; s <= mask; s++) {
            long k = (long) LONGS.getVolatile(clusterKeys, s);
            if (k == 0) {
                continue;
            }
            long c = (long) LONGS.getAndSet(counts, s, 0L);
            if (c == 0) {
                LONGS.compareAndSet(clusterKeys, s, k, 0L);
                continue;
            }
            if (n == found.length) {
                found = Arrays.copyOf(found, n * 2);
            }
            found[n++] = (Math.min(c, 0x7FFF_FFFFL) << 32) | s; // count in the high bits: sorts busiest last
        }
        Arrays.sort(found, 0, n);
        int take = Math.min(n, max);
        Charge[] out = new Charge[take];
        for (int i = 0; i < take; i++) {
            long packed = found[n - 1 - i];
            int s = (int) (packed & 0xFFFF_FFFFL);
            RateLimit limit = limits[s];
            if (limit != null) { // null only for a slot claimed this instant, whose count arrives next time
                out[i] = new Charge((long) LONGS.getVolatile(clusterKeys, s), localKeys[s], limit, packed >>> 32);
            }
        }
        return out;
    }
}

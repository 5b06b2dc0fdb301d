package io.rampart.mitigate;

import io.rampart.traffic.KeyHash;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * Per-key rate limiting state for every limit on the node, in fixed memory.
 *
 * <p><b>Algorithm.</b> GCRA, the generic cell rate algorithm (ATM Forum TM 4.0; the form used by
 * redis-cell and Stripe): one {@code long} per key, the theoretical arrival time {@code TAT}. A
 * request at time {@code t} under a limit with emission interval {@code T} and tolerance
 * {@code τ = T × burst} computes {@code tat' = max(TAT, t) + T}; it is allowed iff
 * {@code tat' − t ≤ τ}, and only then is {@code TAT} set to {@code tat'}. A denied request learns
 * exactly when it would be allowed: {@code tat' − t − τ}. When {@code TAT ≤ t} the bucket is full
 * again and the key carries no information, so its slot is free.
 *
 * <p><b>Layout.</b> Two parallel {@code long[]} arrays (keys, TATs) of a power-of-two capacity,
 * open addressing with linear probing over a window of {@value #PROBE} slots. Updates use
 * {@link VarHandle} compare-and-set: no locks, no allocation, 16 bytes per slot, never resized.
 * There is no delete and no tombstone: a slot whose TAT has passed is reclaimed in place by the
 * next key that probes it.
 *
 * <p><b>Bounded under any flood.</b> When every slot in a window holds a live key, the entry whose
 * TAT is smallest — the client closest to a full bucket — is evicted. An evicted client restarts
 * with a full bucket, so eviction can only make Rampart more lenient, never limit someone wrongly.
 * Keys are mixed with a per-process random seed ({@link KeyHash}) so an attacker cannot aim keys
 * at one window to evict a victim's state.
 *
 * <p><b>In a cluster.</b> Limits marked shared ({@link #admitShared}) are reconciled with the other
 * nodes by {@link LimitExchange}: every sync interval each node reports what it admitted per busy
 * key and receives the cluster's backlog for it, which becomes this bucket's ({@link #align}). A
 * bucket found full starts with this node's share of the burst until then, so that N nodes meeting
 * a new client at once admit one burst between them, not N.
 *
 * <p><b>Races.</b> Two event loops may race on the same key: the TAT update is a CAS loop and is
 * exact. Claiming a slot is a CAS on the key; in the rare race where two threads claim different
 * slots for the same new key at once, that key briefly has two entries (more lenient, never
 * stricter) until one expires.
 */
public final class GcraTable {
    static final int PROBE = 8;
    private static final VarHandle LONGS = MethodHandles.arrayElementVarHandle(long[].class);

    private final long[] keys;
    private final long[] tats;
    private final int mask;
    private volatile int share = 1;

    /** @param capacity slots; rounded up to a power of two, at least {@value #PROBE} */
    public GcraTable(int capacity) {
        int cap = Integer.highestOneBit(Math.max(PROBE, capacity - 1) << 1);
        if (cap <= 0) {
            throw new IllegalArgumentException("capacity too large: " + capacity);
        }
        keys = new long[cap];
        tats = new long[cap];
        mask = cap - 1;
    }

    public int capacity() {
        return keys.length;
    }

    /**
     * Tries to admit one request for {@code key} under {@code limit} at time {@code now} (nanos,
     * any origin, monotonic).
     *
     * @return 0 if admitted, otherwise the nanoseconds until a request would be admitted (&gt; 0)
     */
    public long acquire(long key, RateLimit limit, long now) {
        return Math.max(0, admit(key, limit, now));
    }

    /**
     * As {@link #acquire}, but an admitted request learns how full its bucket is: the result is
     * {@code -(TAT − now)} ≤ 0, the backlog in nanoseconds (one emission interval for a client that
     * is well within its limit, up to {@code τ} for one at the edge of its burst).
     *
     * @return &gt; 0: denied, wait this long; ≤ 0: admitted, with this negated backlog
     */
    public long admit(long key, RateLimit limit, long now) {
        return admit(key, limit, now, 0);
    }

    /**
     * As {@link #admit(long, RateLimit, long)}, for a limit the cluster shares: a bucket that is
     * full here starts with only this node's share of the burst ({@code burst / share}, see
     * {@link #share(int)}) until the cluster's reconciliation ({@link #align}) says how much the
     * other nodes left. Without a cluster ({@code share == 1}) it is {@code admit} exactly.
     */
    public long admitShared(long key, RateLimit limit, long now) {
        int n = share;
        if (n <= 1) {
            return admit(key, limit, now, 0);
        }
        long tolerance = limit.toleranceNanos();
        long reserve = Math.min(tolerance - tolerance / n, tolerance - limit.emissionIntervalNanos());
        return admit(key, limit, now, Math.max(0, reserve));
    }

    /**
     * Sets how many nodes share each shared limit's burst (the live members of the cluster; 1
     * without one). See {@link #admitShared}.
     */
    public void share(int nodes) {
        this.share = Math.max(1, nodes);
    }

    /** How many nodes share a shared limit's burst. */
    public int share() {
        return share;
    }

    /**
     * Aligns {@code key}'s bucket under {@code limit} with the cluster's: its backlog becomes the
     * cluster's {@code clusterBacklogNanos} (what every node together admitted, less what time has
     * paid back). A bucket held empty beyond its tolerance by a local penalty ({@link #exhaust})
     * keeps the later of the two. A key with no state here is left alone (it has no traffic here).
     */
    public void align(long key, RateLimit limit, long clusterBacklogNanos, long now) {
        long k = KeyHash.mix(limit.id(), key, 0x5bd1e995L);
        int start = (int) (k ^ (k >>> 32)) & mask;
        long target = now + Math.max(0, clusterBacklogNanos);
        long tolerance = limit.toleranceNanos();
        for (int i = 0; i < PROBE; i++) {
            int s = (start + i) & mask;
            if ((long) LONGS.getVolatile(keys, s) == k) {
                for (;;) {
                    long tat = (long) LONGS.getVolatile(tats, s);
                    long next = tat - now > tolerance && tat - target > 0 ? tat : target;
                    if (next == tat || LONGS.compareAndSet(tats, s, tat, next)) {
                        return;
                    }
                }
            }
        }
    }

    private long admit(long key, RateLimit limit, long now, long reserve) {
        long k = KeyHash.mix(limit.id(), key, 0x5bd1e995L);
        int slot = findOrClaim(k, now);
        long t = limit.emissionIntervalNanos();
        long tolerance = limit.toleranceNanos();
        for (;;) {
            long tat = (long) LONGS.getVolatile(tats, slot);
            long base = tat - now > 0 ? tat : now + reserve;
            long next = base + t;
            long excess = next - now - tolerance;
            if (excess > 0) {
                return excess;
            }
            if (LONGS.compareAndSet(tats, slot, tat, next)) {
                return now - next;
            }
        }
    }

    /**
     * Empties {@code key}'s bucket under {@code limit} and holds it empty for {@code holdNanos}:
     * every request in that time is refused, then the bucket refills at the limit's rate. For
     * clients caught abusing the protocol (an HTTP/2 flood of resets).
     */
    public void exhaust(long key, RateLimit limit, long now, long holdNanos) {
        long k = KeyHash.mix(limit.id(), key, 0x5bd1e995L);
        int slot = findOrClaim(k, now);
        long target = now + limit.toleranceNanos() + Math.max(holdNanos, limit.emissionIntervalNanos());
        for (;;) {
            long tat = (long) LONGS.getVolatile(tats, slot);
            if (tat - target >= 0 || LONGS.compareAndSet(tats, slot, tat, target)) {
                return;
            }
        }
    }

    /**
     * Gives back one request's charge to {@code key}'s bucket under {@code limit}: the request
     * turned out not to count (a log-in the origin answered with a new user's token). A bucket is
     * never filled beyond full, and a key with no state is left alone.
     */
    public void refund(long key, RateLimit limit, long now) {
        long k = KeyHash.mix(limit.id(), key, 0x5bd1e995L);
        int start = (int) (k ^ (k >>> 32)) & mask;
        for (int i = 0; i < PROBE; i++) {
            int s = (start + i) & mask;
            if ((long) LONGS.getVolatile(keys, s) == k) {
                for (;;) {
                    long tat = (long) LONGS.getVolatile(tats, s);
                    if (tat - now <= 0) {
                        return;
                    }
                    long back = tat - limit.emissionIntervalNanos();
                    if (LONGS.compareAndSet(tats, s, tat, back - now > 0 ? back : now - 1)) {
                        return;
                    }
                }
            }
        }
    }

    private int findOrClaim(long k, long now) {
        int start = (int) (k ^ (k >>> 32)) & mask;
        int free = -1;
        long freeKey = 0;
        int victim = -1;
        long victimTat = 0;
        long victimKey = 0;
        for (int i = 0; i < PROBE; i++) {
            int s = (start + i) & mask;
            long key = (long) LONGS.getVolatile(keys, s);
            if (key == k) {
                return s;
            }
            if (free < 0) {
                long tat = (long) LONGS.getVolatile(tats, s);
                if (key == 0 || tat - now <= 0) {
                    free = s;
                    freeKey = key;
                } else if (victim < 0 || tat - victimTat < 0) {
                    victim = s;
                    victimTat = tat;
                    victimKey = key;
                }
            }
        }
        int target = free >= 0 ? free : victim;
        long expected = free >= 0 ? freeKey : victimKey;
        if (LONGS.compareAndSet(keys, target, expected, k)) {
            // a new key starts with a full bucket: any TAT in the past means "full"
            LONGS.setVolatile(tats, target, now - 1);
            return target;
        }
        // lost the race for that slot; whoever won may have been us under another thread's request
        // for the same key, so look again (bounded: each retry means another thread progressed)
        return findOrClaim(k, now);
    }

    /** Keys holding live state at {@code now}: an O(capacity) scan, for metrics only. */
    public int liveEntries(long now) {
        int n = 0;
        for (int s = 0; s <= mask; s++) {
            if ((long) LONGS.getVolatile(keys, s) != 0 && (long) LONGS.getVolatile(tats, s) - now > 0) {
                n++;
            }
        }
        return n;
    }
}

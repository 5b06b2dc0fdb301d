package io.rampart.lab.origin;

import io.rampart.lab.Kind;
import io.rampart.lab.SecondSeries;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * What reached the origin, per second of the run: requests by client kind (from the lab's marker
 * header; requests without one count as {@code unmarked}), requests shed, the longest queue wait,
 * and whether the connection slots were full. A second is <em>over capacity</em> when the origin
 * shed a request, made one wait longer than the overload threshold, or had no connection slot free.
 */
public final class OriginStats {
    private final SecondSeries arrivals;
    private final int seconds;
    private final AtomicLongArray shed;
    private final AtomicLongArray maxWaitNanos;
    private final AtomicLongArray slotsFull;
    private final AtomicLongArray unmarked;
    private final long overloadWaitNanos;
    private final java.util.Set<java.net.InetAddress> sources = java.util.concurrent.ConcurrentHashMap.newKeySet();

    public OriginStats(int seconds, long overloadWaitNanos) {
        this.seconds = seconds;
        this.arrivals = new SecondSeries(seconds);
        this.shed = new AtomicLongArray(seconds);
        this.maxWaitNanos = new AtomicLongArray(seconds);
        this.slotsFull = new AtomicLongArray(seconds);
        this.unmarked = new AtomicLongArray(seconds);
        this.overloadWaitNanos = overloadWaitNanos;
    }

    public void arrived(Kind kind, int second) {
        if (kind == null) {
            unmarked.incrementAndGet(clamp(second));
        } else {
            arrivals.increment(kind, second);
        }
    }

    public void shed(int second) {
        shed.incrementAndGet(clamp(second));
    }

    public void waited(int second, long nanos) {
        maxWaitNanos.accumulateAndGet(clamp(second), nanos, Math::max);
    }

    public void slotsFull(int second) {
        slotsFull.set(clamp(second), 1);
    }

    /** A connection arrived from {@code source} (direct clients, or a gateway's own address). */
    public void connectedFrom(java.net.InetAddress source) {
        sources.add(source);
    }

    /** Distinct addresses that opened connections to the origin. */
    public int distinctSources() {
        return sources.size();
    }

    public SecondSeries arrivals() {
        return arrivals;
    }

    public int seconds() {
        return seconds;
    }

    public long unmarkedTotal() {
        long total = 0;
        for (int s = 0; s < seconds; s++) {
            total += unmarked.get(s);
        }
        return total;
    }

    public boolean overCapacity(int second) {
        int s = clamp(second);
        return shed.get(s) > 0 || maxWaitNanos.get(s) > overloadWaitNanos || slotsFull.get(s) > 0;
    }

    /** Seconds over capacity in [from, to). */
    public int overCapacitySeconds(int from, int to) {
        int n = 0;
        for (int s = Math.max(0, from); s < Math.min(to, seconds); s++) {
            if (overCapacity(s)) {
                n++;
            }
        }
        return n;
    }

    private int clamp(int second) {
        return second < 0 ? 0 : Math.min(second, seconds - 1);
    }
}

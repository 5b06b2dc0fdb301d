package io.rampart.lab;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Counters per kind and per second of a run: row {@code kind}, column {@code second}. Seconds past
 * the end are folded into the last column so a late response never throws. Safe for concurrent
 * writers (the origin's and the generator's event loops) and one reader at the end.
 */
public final class SecondSeries {
    private final int seconds;
    private final AtomicLongArray counts;

    public SecondSeries(int seconds) {
        if (seconds < 1) {
            throw new IllegalArgumentException("seconds must be at least 1");
        }
        this.seconds = seconds;
        this.counts = new AtomicLongArray(Kind.count() * seconds);
    }

    public int seconds() {
        return seconds;
    }

    public void add(Kind kind, int second, long n) {
        counts.addAndGet(kind.ordinal() * seconds + clamp(second), n);
    }

    public void increment(Kind kind, int second) {
        add(kind, second, 1);
    }

    public long get(Kind kind, int second) {
        return counts.get(kind.ordinal() * seconds + clamp(second));
    }

    /** The sum for one kind over seconds [from, to). */
    public long sum(Kind kind, int from, int to) {
        long total = 0;
        for (int s = Math.max(0, from); s < Math.min(to, seconds); s++) {
            total += counts.get(kind.ordinal() * seconds + s);
        }
        return total;
    }

    public long total(Kind kind) {
        return sum(kind, 0, seconds);
    }

    /** The sum over every legitimate (or every attacking) kind for one second. */
    public long sumOf(boolean legitimate, int second) {
        long total = 0;
        for (Kind k : Kind.values()) {
            if (k.legitimate() == legitimate) {
                total += get(k, second);
            }
        }
        return total;
    }

    private int clamp(int second) {
        return second < 0 ? 0 : Math.min(second, seconds - 1);
    }
}

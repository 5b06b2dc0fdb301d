package io.rampart.lab;

import java.util.function.LongSupplier;

/** The time base of one run: every component stamps events in seconds since the same start. */
public final class RunClock {
    private final LongSupplier nanos;
    private volatile long start;

    public RunClock(LongSupplier nanos) {
        this.nanos = nanos;
        this.start = nanos.getAsLong();
    }

    public static RunClock system() {
        return new RunClock(System::nanoTime);
    }

    /** Makes now the start of the run (the origin is created before the target is up; the run starts later). */
    public void restart() {
        start = nanos.getAsLong();
    }

    public long startNanos() {
        return start;
    }

    public long nanos() {
        return nanos.getAsLong();
    }

    public long elapsedNanos() {
        return nanos.getAsLong() - start;
    }

    /** The run's second that {@code at} ({@link #nanos()}) fell in; negative before the start. */
    public int secondOf(long at) {
        return (int) Math.floorDiv(at - start, 1_000_000_000L);
    }

    /** Whole seconds since the start (second 0 is the first). */
    public int second() {
        return (int) (elapsedNanos() / 1_000_000_000L);
    }
}

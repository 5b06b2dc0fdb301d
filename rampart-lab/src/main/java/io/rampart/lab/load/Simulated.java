package io.rampart.lab.load;

import io.netty.channel.EventLoop;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/** A simulated client: active between its group's start and end, acting on one event loop. */
abstract class Simulated {
    final RunContext run;
    final EventLoop loop;
    final long startNanos;
    final long endNanos;
    final SplittableRandom random;

    Simulated(RunContext run, EventLoop loop, long startNanos, long endNanos, long seed) {
        this.run = run;
        this.loop = loop;
        this.startNanos = startNanos;
        this.endNanos = endNanos;
        this.random = new SplittableRandom(seed);
    }

    /** Schedules the first action (at the group's start, plus any stagger the persona wants). */
    final void schedule() {
        long delay = startNanos - run.clock.nanos() + stagger();
        loop.schedule(this::begin, Math.max(0, delay), TimeUnit.NANOSECONDS);
    }

    long stagger() {
        return 0;
    }

    abstract void begin();

    boolean active() {
        return !run.stopped() && run.clock.nanos() < endNanos;
    }

    void later(long delayNanos, Runnable action) {
        if (active()) {
            loop.schedule(() -> {
                if (active()) {
                    action.run();
                }
            }, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
        }
    }

    long between(long minNanos, long maxNanos) {
        return maxNanos <= minNanos ? minNanos : minNanos + random.nextLong(maxNanos - minNanos);
    }
}

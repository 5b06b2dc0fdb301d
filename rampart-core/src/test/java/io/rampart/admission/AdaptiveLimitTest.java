package io.rampart.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AdaptiveLimitTest {
    private static final long MS = 1_000_000L;
    private final AtomicLong now = new AtomicLong();

    /** Feeds windows of samples where latency is {@code base} up to {@code knee} in flight, then grows linearly (a queue). */
    private void drive(AdaptiveLimit l, int windows, long baseMs, int knee) {
        long step = AdaptiveLimit.WINDOW_MILLIS * MS / AdaptiveLimit.WINDOW_SAMPLES + 1;
        for (int w = 0; w < windows; w++) {
            int inFlight = l.limit();
            long rtt = inFlight <= knee ? baseMs * MS : baseMs * MS * inFlight / knee;
            for (int i = 0; i < AdaptiveLimit.WINDOW_SAMPLES; i++) {
                now.addAndGet(step);
                l.onSample(rtt, inFlight);
            }
        }
    }

    @Test
    void limitSettlesNearTheOriginsConcurrency_withLatencyWithinTolerance() {
        AdaptiveLimit l = new AdaptiveLimit(64, 4, 1000, now::get);
        // an unloaded period teaches the baseline
        for (int i = 0; i < 64; i++) {
            now.addAndGet(10 * MS);
            l.onSample(30 * MS, 2);
        }
        drive(l, 400, 30, 16);
        assertThat(l.limit()).isBetween(16, 30);
        assertThat(l.baselineNanos()).isBetween(29.0 * MS, 31.0 * MS);
    }

    @Test
    void limitGrows_whileLatencyStaysFlat() {
        AdaptiveLimit l = new AdaptiveLimit(20, 4, 1000, now::get);
        drive(l, 200, 5, 10_000);
        assertThat(l.limit()).isGreaterThan(200);
    }

    @Test
    void baselineDoesNotDriftUp_duringALongOverload() {
        AdaptiveLimit l = new AdaptiveLimit(64, 4, 1000, now::get);
        for (int i = 0; i < 64; i++) {
            now.addAndGet(10 * MS);
            l.onSample(30 * MS, 2);
        }
        drive(l, 5000, 30, 16);
        assertThat(l.baselineNanos()).isLessThan(31.0 * MS);
        assertThat(l.limit()).isLessThanOrEqualTo(30);
    }

    @Test
    void jitterWithinAWindow_doesNotShrinkTheLimit() {
        // 30,000 requests/s at 1 ms, with a 20 ms stall every 100 ms (GC, the gateway's own CPU):
        // short windows read the stalls as queueing; a 250 ms window averages them out
        AdaptiveLimit l = new AdaptiveLimit(64, 4, 1000, now::get);
        long step = 1_000_000_000L / 30_000;
        for (int i = 0; i < 30_000 * 5; i++) {
            now.addAndGet(step);
            boolean stalled = (now.get() / MS) % 100 < 20;
            l.onSample(stalled ? 20 * MS : MS, 50);
        }
        assertThat(l.limit()).isGreaterThanOrEqualTo(64);
    }

    @Test
    void originOverload_cutsTheLimit() {
        AdaptiveLimit l = new AdaptiveLimit(100, 4, 1000, now::get);
        for (int i = 0; i < 20; i++) {
            now.addAndGet(1100 * MS);
            l.onDrop(100);
        }
        assertThat(l.limit()).isLessThan(15);
        for (int i = 0; i < 100; i++) {
            now.addAndGet(1100 * MS);
            l.onDrop(100);
        }
        assertThat(l.limit()).isEqualTo(4);
    }

    @Test
    void idleGateway_neitherGrowsNorShrinksTheLimit() {
        AdaptiveLimit l = new AdaptiveLimit(64, 4, 1000, now::get);
        for (int i = 0; i < 1000; i++) {
            now.addAndGet(10 * MS);
            l.onSample((i % 2 == 0 ? 5 : 80) * MS, 3);
        }
        assertThat(l.limit()).isEqualTo(64);
    }
}

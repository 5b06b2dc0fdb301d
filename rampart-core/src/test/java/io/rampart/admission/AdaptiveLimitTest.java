package io.rampart.admission;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class AdaptiveLimitTest {
    private static final long MS = 1_000_000L;
    private final AtomicLong now = new AtomicLong();

    /** Feeds windows of samples where latency is {@code base} up to {@code knee} in flight, then grows linearly (a queue). */
    private void drive(AdaptiveLimit l, int windows, long baseMs, int knee) {
        for (int w = 0; w < windows; w++) {
            int inFlight = l.limit();
            long rtt = inFlight <= knee ? baseMs * MS : baseMs * MS * inFlight / knee;
            for (int i = 0; i < AdaptiveLimit.WINDOW_SAMPLES; i++) {
                now.addAndGet(MS);
                l.onSample(rtt, inFlight);
            }
        }
    }

    @Test
    void limitSettlesNearTheOriginsConcurrency_withLatencyWithinTolerance() {
        AdaptiveLimit l = new AdaptiveLimit(64, 4, 1000, now::get);
        // an unloaded period teaches the baseline
        for (int i = 0; i < 64; i++) {
            now.addAndGet(MS);
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
            now.addAndGet(MS);
            l.onSample(30 * MS, 2);
        }
        drive(l, 5000, 30, 16);
        assertThat(l.baselineNanos()).isLessThan(31.0 * MS);
        assertThat(l.limit()).isLessThanOrEqualTo(30);
    }

    @Test
    void originOverload_cutsTheLimit() {
        AdaptiveLimit l = new AdaptiveLimit(100, 4, 1000, now::get);
        for (int i = 0; i < 20; i++) {
            now.addAndGet(300 * MS);
            l.onDrop(100);
        }
        assertThat(l.limit()).isLessThan(15);
        for (int i = 0; i < 100; i++) {
            now.addAndGet(300 * MS);
            l.onDrop(100);
        }
        assertThat(l.limit()).isEqualTo(4);
    }

    @Test
    void idleGateway_neitherGrowsNorShrinksTheLimit() {
        AdaptiveLimit l = new AdaptiveLimit(64, 4, 1000, now::get);
        for (int i = 0; i < 1000; i++) {
            now.addAndGet(MS);
            l.onSample((i % 2 == 0 ? 5 : 80) * MS, 3);
        }
        assertThat(l.limit()).isEqualTo(64);
    }
}

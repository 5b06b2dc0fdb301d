package io.rampart.admission;

import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/**
 * A concurrency limit toward one site's origins that follows their latency.
 *
 * <p>Design note: gradient control, after Netflix concurrency-limits' {@code Gradient2Limit}. Round
 * trips (request sent to response head) are summed into windows of at least
 * {@value #WINDOW_SAMPLES} samples <em>and</em> {@value #WINDOW_MILLIS} ms (or {@value
 * #QUIET_WINDOW_MILLIS} ms when traffic is light). Windows must be long enough to average out
 * jitter: with windows of 32 samples (a millisecond at 30,000 requests/s), a GC pause or the
 * gateway's own CPU saturation read as origin queueing and drove the limit down under a plain
 * benchmark. At the end of each window
 * <pre>
 *   gradient = clamp(TOLERANCE × baseline / windowAverage, 0.5, 1)
 *   target   = limit × gradient + √limit
 *   limit    = limit × (1 − SMOOTHING) + target × SMOOTHING
 * </pre>
 * so the limit grows by about √limit per window while latency stays within {@code TOLERANCE} of the
 * baseline, and shrinks (by up to half) as soon as requests start queueing at the origin. Two
 * changes from Gradient2, both for attacks: (1) the baseline is the average round trip measured
 * while the gateway is <em>not</em> using its limit (fewer than half the slots busy), so it
 * describes the origin unloaded and cannot drift up during a long flood as Gradient2's long-term
 * average does; it falls at once when latency improves and rises slowly otherwise. (2) An
 * overload signal from the origin — a {@code 503}, a timeout, a refused connection — cuts the limit
 * by {@value #DROP_FACTOR} at the end of the window, as in AIMD. The limit does not grow while
 * fewer than half its slots are used (it would learn nothing).
 *
 * <p>Threads: samples are added with atomic counters from any event loop; the thread that closes a
 * window does the update. {@link #limit()} is one volatile read.
 */
public final class AdaptiveLimit {
    static final int WINDOW_SAMPLES = 32;
    static final long WINDOW_MILLIS = 250;
    static final long QUIET_WINDOW_MILLIS = 1000;
    static final double TOLERANCE = 1.5;
    static final double SMOOTHING = 0.2;
    static final double DROP_FACTOR = 0.9;
    /** Weight of a new window in the baseline when latency rises (slow) and when it falls (fast). */
    static final double BASELINE_UP = 0.05;
    static final double BASELINE_DOWN = 0.5;

    private int min;
    private int max;
    private final LongSupplier ticker;
    private volatile int limit;
    private double estimate;
    private double baselineNanos = Double.NaN;

    private final AtomicLong windowStart;
    private final AtomicLong sumNanos = new AtomicLong();
    private final AtomicLong samples = new AtomicLong();
    private final AtomicLong drops = new AtomicLong();
    private final AtomicLong peakInFlight = new AtomicLong();

    public AdaptiveLimit(int initial, int min, int max, LongSupplier ticker) {
        this.min = min;
        this.max = max;
        this.ticker = ticker;
        this.limit = initial;
        this.estimate = initial;
        this.windowStart = new AtomicLong(ticker.getAsLong());
    }

    /**
     * New bounds (a reload changed {@code admission.minLimit} or {@code maxLimit}): the learned
     * estimate stays, clamped into them at once.
     */
    public synchronized void bounds(int min, int max) {
        this.min = min;
        this.max = max;
        estimate = Math.max(min, Math.min(max, estimate));
        limit = (int) Math.round(estimate);
    }

    /** The injected clock, in nanoseconds. */
    long now() {
        return ticker.getAsLong();
    }

    /** The current limit on requests in flight. */
    public int limit() {
        return limit;
    }

    /** The unloaded round-trip estimate in nanoseconds, or NaN before the first unloaded window. */
    public synchronized double baselineNanos() {
        return baselineNanos;
    }

    /** A response head arrived {@code rttNanos} after its request was sent, with {@code inFlight} requests at the origin. */
    public void onSample(long rttNanos, int inFlight) {
        sumNanos.addAndGet(rttNanos);
        samples.incrementAndGet();
        notePeak(inFlight);
        maybeCloseWindow();
    }

    /** The origin showed overload (a 503, a timeout, a refused connection). */
    public void onDrop(int inFlight) {
        drops.incrementAndGet();
        notePeak(inFlight);
        maybeCloseWindow();
    }

    private void notePeak(int inFlight) {
        long p;
        while (inFlight > (p = peakInFlight.get()) && !peakInFlight.compareAndSet(p, inFlight)) {
            // retry
        }
    }

    private void maybeCloseWindow() {
        long start = windowStart.get();
        long now = ticker.getAsLong();
        long n = samples.get();
        long elapsed = now - start;
        boolean due = n >= WINDOW_SAMPLES && elapsed >= WINDOW_MILLIS * 1_000_000L
                || n + drops.get() > 0 && elapsed >= QUIET_WINDOW_MILLIS * 1_000_000L;
        if (due && windowStart.compareAndSet(start, now)) {
            closeWindow(samples.getAndSet(0), sumNanos.getAndSet(0), drops.getAndSet(0), (int) peakInFlight.getAndSet(0));
        }
    }

    private synchronized void closeWindow(long n, long sum, long dropped, int peak) {
        double current = estimate;
        boolean loaded = peak >= current / 2;
        if (n > 0) {
            double avg = (double) sum / n;
            if (Double.isNaN(baselineNanos)) {
                baselineNanos = avg;
            } else if (avg < baselineNanos) {
                baselineNanos += (avg - baselineNanos) * BASELINE_DOWN;
            } else if (!loaded) {
                baselineNanos += (avg - baselineNanos) * BASELINE_UP;
            }
            if (loaded) {
                double gradient = Math.max(0.5, Math.min(1.0, TOLERANCE * baselineNanos / avg));
                double target = current * gradient + Math.sqrt(current);
                current = current * (1 - SMOOTHING) + target * SMOOTHING;
            }
        }
        if (dropped > 0) {
            current *= DROP_FACTOR;
        }
        estimate = Math.max(min, Math.min(max, current));
        limit = (int) Math.round(estimate);
    }
}

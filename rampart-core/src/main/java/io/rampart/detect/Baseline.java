package io.rampart.detect;

import io.rampart.traffic.Dimension;
import io.rampart.traffic.TrafficRecorder;
import io.rampart.traffic.ValueCounts;
import java.util.SplittableRandom;

/**
 * What normal traffic looks like for one site: how much of it there is (overall and by hour of
 * the day), how the origin answers it, and a decaying sample of normal requests with every
 * dimension, from which the share of any value or combination of values is read.
 *
 * <p>Design note: rates and origin figures are exponentially weighted moving averages (with
 * variance, Welford-style, for the rate) whose weight is {@code max(1/n, α)}: the first ticks form a
 * plain average, later ticks forget with the configured half-life. The hour-of-day profile takes
 * over from the overall average once that hour has been seen for {@value #HOUR_TICKS_TRUSTED}
 * ticks. A young baseline (fewer than {@value #RECENT} ticks) uses the median and MAD of its
 * recent ticks instead, robust to a burst at start-up. The request sample is a reservoir of
 * {@value #RESERVOIR} rows refreshed like the averages: each normal tick writes a share α of the
 * rows with requests drawn from that tick (with replacement if it had fewer), so every tick weighs
 * the same and old traffic fades with the same half-life. The reservoir answers joint questions ("how much normal traffic
 * has this fingerprint AND this path?") that per-dimension counters cannot; its resolution is
 * 1/{@value #RESERVOIR} of the traffic. Only ticks the detector calls normal are learned, so an
 * attack does not become normal by lasting. Memory is bounded: about 500 KB of rows per site, plus
 * one histogram per dimension ({@link ValueCounts}) sized by its distinct values, at most about
 * 150 KB each when all 4,096 rows differ.
 */
public final class Baseline {
    static final int RESERVOIR = 4096;
    static final int HOUR_TICKS_TRUSTED = 600;
    /** Normal requests needed before shares mean anything (and before rules may be deployed). */
    static final int MIN_ROWS = 200;
    /** Distinct clients the learned requests must come from before the baseline judges anything. */
    static final int MIN_CLIENTS = 10;
    /**
     * Requests learned, each counted once: the rows drawn again to give a small tick its weight do
     * not count, so one request repeated into the reservoir cannot make a young baseline look known.
     */
    private long realRows;
    private final long[] someClients = new long[MIN_CLIENTS];
    private int distinctClients;
    private static final int F = TrafficRecorder.FIELDS;

    private final double alphaFloor;
    final long[] rows = new long[RESERVOIR * F];
    int filled;
    long ticks;
    /** Ticks restored from the state file (their rates are known only as averages). */
    long restoredTicks;
    double rateMean;
    double rateVar;
    final double[] hourMean = new double[24];
    final long[] hourTicks = new long[24];
    double latencyMicros;
    double errorShare;
    /** Rates of the last {@value #RECENT} normal ticks: the robust estimate of a young baseline. */
    static final int RECENT = 600;
    final double[] recent = new double[RECENT];
    private double recentMedian;
    private double recentSpread;
    private final SplittableRandom random;
    /** Per dimension, how many rows hold each known value: rebuilt in place when rows change. */
    private final ValueCounts[] counts = ValueCounts.perDimension(Dimension.COUNT);
    /** Rows whose value along a dimension is unknown (0: seeded from a log without it). */
    private final int[] unknown = new int[Dimension.COUNT];
    private boolean countsStale = true;

    /** @param halfLifeTicks ticks after which old traffic weighs half */
    public Baseline(double halfLifeTicks, long seed) {
        this.alphaFloor = 1 - Math.pow(0.5, 1 / Math.max(1, halfLifeTicks));
        this.random = new SplittableRandom(seed);
    }

    /** Learns one normal tick: {@code rate} requests per second at {@code hour} (0-23) of the day. */
    public void learn(TrafficRecorder.Tick t, double rate, int hour) {
        learn(lesson(t, rate, hour, 0));
    }

    /**
     * What one normal tick would teach, taken now and learned later ({@link SiteControl} holds a
     * tick back until the ticks after it show it was not a flood's first moments). {@code ahead}
     * is how many lessons will be learned before this one, so that its weight α is the one it will
     * have then. The rows it will write into the reservoir are drawn now: {@code α × RESERVOIR} of
     * them (with replacement when the tick had fewer), which is one or two rows on a mature
     * baseline, so holding lessons costs next to nothing.
     */
    Lesson lesson(TrafficRecorder.Tick t, double rate, int hour, int ahead) {
        double a = Math.max(1.0 / (ticks + ahead + 1), alphaFloor);
        int n = t.sampled;
        int take = n == 0 ? 0 : (int) Math.min(RESERVOIR, Math.ceil(RESERVOIR * a));
        long[] drawn = new long[take * F];
        for (int k = 0; k < take; k++) {
            int from = take >= n && k < n ? k : random.nextInt(n); // every request once when there is room, then draws
            System.arraycopy(t.samples, from * F, drawn, k * F, F);
        }
        return new Lesson(rate, hour, a, t.originAnswers, t.originMicros, t.originErrors, drawn, Math.min(n, take));
    }

    /** One tick's lesson ({@link #lesson}): its rate, origin figures and the rows it writes. {@code real}: how many rows are distinct requests. */
    record Lesson(double rate, int hour, double alpha, long originAnswers, long originMicros, long originErrors, long[] rows, int real) {
    }

    /** Learns a lesson taken earlier (in order: each lesson's weight assumes the ones before it were learned). */
    void learn(Lesson l) {
        double a = l.alpha();
        double rate = l.rate();
        double d = rate - rateMean;
        rateMean += a * d;
        rateVar = (1 - a) * (rateVar + a * d * d);
        recent[(int) (ticks % RECENT)] = rate;
        if (ticks < RECENT) {
            robustRecent(); // only a young baseline uses it
        }
        long ht = hourTicks[l.hour()]++;
        hourMean[l.hour()] += Math.max(1.0 / (ht + 1), alphaFloor) * (rate - hourMean[l.hour()]);
        if (l.originAnswers() > 0) {
            double lat = (double) l.originMicros() / l.originAnswers();
            latencyMicros = latencyMicros == 0 ? lat : latencyMicros + a * (lat - latencyMicros);
            errorShare += a * ((double) l.originErrors() / l.originAnswers() - errorShare);
        }
        sampleRows(l);
        ticks++;
    }

    /**
     * Gives a tick its weight {@code a} in the reservoir: the {@code a × RESERVOIR} rows its lesson
     * drew, each written to a free row or over a random one. Every tick weighs the same whatever its
     * volume, so a burst in the first seconds does not fill the reservoir for good, and a steady
     * small flow (an app polling every second) keeps its share across quiet and busy ticks alike.
     */
    private void sampleRows(Lesson l) {
        int take = l.rows().length / F;
        if (take == 0) {
            return;
        }
        realRows += l.real();
        for (int k = 0; k < l.real() && distinctClients < MIN_CLIENTS; k++) {
            noteClient(l.rows()[k * F + Dimension.CLIENT.ordinal()]);
        }
        for (int k = 0; k < take; k++) {
            int to = filled < RESERVOIR ? filled++ : random.nextInt(RESERVOIR);
            System.arraycopy(l.rows(), k * F, rows, to * F, F);
        }
        countsStale = true;
    }

    /** Median and scaled median absolute deviation of the recent normal ticks' rates. */
    private void robustRecent() {
        int n = (int) Math.min(ticks + 1, RECENT);
        double[] r = java.util.Arrays.copyOf(recent, n);
        java.util.Arrays.sort(r);
        double median = n % 2 == 1 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
        for (int i = 0; i < n; i++) {
            r[i] = Math.abs(r[i] - median);
        }
        java.util.Arrays.sort(r);
        double mad = n % 2 == 1 ? r[n / 2] : (r[n / 2 - 1] + r[n / 2]) / 2;
        recentMedian = median;
        recentSpread = 1.4826 * mad;
    }

    /** Ticks learned so far. */
    public long ticks() {
        return ticks;
    }

    /** Requests per second expected now: the hour's own average once trusted, else the overall one. */
    public double expectedRate(int hour) {
        if (hourTicks[hour] >= HOUR_TICKS_TRUSTED) {
            return hourMean[hour];
        }
        return young() ? recentMedian : rateMean;
    }

    public double rateSigma() {
        return young() ? recentSpread : Math.sqrt(Math.max(0, rateVar));
    }

    /**
     * A baseline younger than {@value #RECENT} ticks (and not restored from a long history) judges
     * by the median and median absolute deviation of what it saw: one burst in its first seconds
     * (a load test, a warm-up, a crawler) would otherwise set "normal" far too high for hours.
     */
    private boolean young() {
        return ticks > 0 && ticks < RECENT && restoredTicks == 0;
    }

    /** Average origin latency of normal ticks, microseconds (0: nothing measured yet). */
    public double latencyMicros() {
        return latencyMicros;
    }

    public double errorShare() {
        return errorShare;
    }

    /** Rows of normal traffic held. */
    public int sampleSize() {
        return filled;
    }

    /**
     * Whether the baseline has seen enough to judge: at least {@value #MIN_ROWS} distinct requests
     * from at least {@value #MIN_CLIENTS} distinct clients. Until then a burst crafted to look like a
     * popular browser cannot make that browser look rare (and be blocked for everyone).
     */
    public boolean knowsEnough() {
        return realRows >= MIN_ROWS && distinctClients >= MIN_CLIENTS;
    }

    /** After restoring rows saved by an earlier run: they count as learned. */
    void restored() {
        realRows = Math.max(realRows, filled);
        for (int r = 0; r < filled && distinctClients < MIN_CLIENTS; r++) {
            noteClient(rows[r * F + Dimension.CLIENT.ordinal()]);
        }
    }

    private void noteClient(long client) {
        for (int i = 0; i < distinctClients; i++) {
            if (someClients[i] == client) {
                return;
            }
        }
        someClients[distinctClients++] = client;
    }

    /** Share of normal traffic (where this dimension is known) whose value along {@code dimension} is {@code value}. */
    public double share(int dimension, long value) {
        int known = knownRows(dimension);
        if (known == 0) {
            return 0;
        }
        return (double) counts[dimension].count(value) / known;
    }

    /**
     * Rows whose value along {@code dimension} is known. A baseline seeded from a web server's log
     * knows no fingerprints until live traffic has replaced enough of it.
     */
    public int knownRows(int dimension) {
        if (filled == 0) {
            return 0;
        }
        if (countsStale) {
            rebuildCounts();
        }
        return filled - unknown[dimension];
    }

    /**
     * Share of normal traffic matching every condition in {@code conditions}. A row whose value is
     * unknown along a condition's dimension counts as matching: collateral is overestimated, never
     * under.
     */
    public double share(Iterable<? extends RowTest> conditions) {
        if (filled == 0) {
            return 0;
        }
        int hits = 0;
        for (int r = 0; r < filled; r++) {
            boolean all = true;
            for (RowTest c : conditions) {
                if (!c.test(rows, r * F)) {
                    all = false;
                    break;
                }
            }
            if (all) {
                hits++;
            }
        }
        return (double) hits / filled;
    }

    private void rebuildCounts() {
        for (int d = 0; d < Dimension.COUNT; d++) {
            ValueCounts m = counts[d];
            m.clear();
            int zeros = 0;
            for (int r = 0; r < filled; r++) {
                long v = rows[r * F + d];
                if (v == 0) {
                    zeros++;
                } else {
                    m.add(v, r);
                }
            }
            unknown[d] = zeros;
        }
        countsStale = false;
    }

    /** A test on one row of samples (a row starts at {@code offset} in {@code data}). */
    public interface RowTest {
        boolean test(long[] data, int offset);
    }
}

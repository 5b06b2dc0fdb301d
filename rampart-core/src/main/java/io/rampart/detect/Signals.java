package io.rampart.detect;

import io.rampart.traffic.Dimension;
import io.rampart.traffic.TrafficRecorder;
import io.rampart.traffic.ValueCounts;
import java.util.Locale;

/**
 * The numbers one tick of a site's traffic is judged by, next to its baseline: rate against the
 * expected rate, novelty per dimension, origin health. Every detector transition records them.
 *
 * <p>Novelty of a dimension is the share of this tick's requests whose value is far more common
 * now than in normal traffic: the sum over values of {@code max(0, now − LIFT × normal − FLOOR)}.
 * A flood concentrates on values normal traffic rarely has (a fingerprint no browser sends, one
 * search path, one network): high novelty. A flash crowd brings more of what is already common
 * (browsers in their usual mix, the home page and articles): novelty stays low even at fifteen
 * times the rate, since a common value cannot grow far beyond {@code LIFT} times its share. The
 * floor keeps a crowd of new addresses (each a tiny share) from counting as novel.
 */
public final class Signals {
    static final double LIFT = 3;
    static final double FLOOR = 0.01;
    /**
     * Dimensions that tell an attack from a crowd: what is asked and how. Addresses and networks
     * do not: a crowd can arrive from a few networks (mobile carriers' NAT, a campus), and a few
     * sources sending much are the per-client limits' job. Signatures still use them.
     */
    static final boolean[] JUDGED = new boolean[Dimension.COUNT];

    static {
        for (Dimension d : new Dimension[] {Dimension.USER_AGENT, Dimension.FINGERPRINT, Dimension.PATH, Dimension.QUERY,
                Dimension.METHOD, Dimension.TLS, Dimension.H2}) {
            JUDGED[d.ordinal()] = true;
        }
    }

    double rate;
    double expected;
    double sigma;
    boolean learned;
    double latencyRatio;
    double errorShare;
    boolean saturated;
    long sources;
    double knownShare;
    final double[] novelty = new double[Dimension.COUNT];
    final long[] topNovel = new long[Dimension.COUNT];
    final int[] topNovelSample = new int[Dimension.COUNT];
    /** Sample counts per dimension and value, rebuilt every tick in place. */
    private final ValueCounts[] counts = ValueCounts.perDimension(Dimension.COUNT);

    /** Reads {@code t} against {@code b}; {@code seconds} is the tick length. */
    void read(TrafficRecorder.Tick t, double seconds, Baseline b, int hour, boolean learned, boolean saturated) {
        rate = t.requests / seconds;
        expected = b.expectedRate(hour);
        sigma = b.rateSigma();
        this.learned = learned;
        this.saturated = saturated;
        sources = t.distinctSources;
        knownShare = t.requests == 0 ? 0 : (double) t.known / t.requests;
        if (t.originAnswers > 0) {
            double lat = (double) t.originMicros / t.originAnswers;
            latencyRatio = b.latencyMicros() > 0 ? lat / b.latencyMicros() : 1;
            errorShare = (double) t.originErrors / t.originAnswers;
        } else {
            latencyRatio = 1;
            errorShare = 0;
        }
        int n = t.sampled;
        for (int d = 0; d < Dimension.COUNT; d++) {
            ValueCounts m = counts[d];
            m.clear();
            for (int i = 0; i < n; i++) {
                m.add(t.value(i, d), i);
            }
            double sum = 0;
            double best = 0;
            long bestValue = 0;
            int bestSample = -1;
            if (n > 0 && b.knownRows(d) >= Baseline.MIN_ROWS) {
                for (int v = 0; v < m.size(); v++) {
                    double now = (double) m.countAt(v) / n;
                    double excess = now - LIFT * b.share(d, m.valueAt(v)) - FLOOR;
                    if (excess > 0) {
                        sum += excess;
                        if (excess > best) {
                            best = excess;
                            bestValue = m.valueAt(v);
                            bestSample = m.firstAt(v);
                        }
                    }
                }
            }
            novelty[d] = sum;
            topNovel[d] = bestValue;
            topNovelSample[d] = bestSample;
        }
    }

    /** The judged dimension whose traffic is most novel. */
    Dimension mostNovel() {
        int best = Dimension.FINGERPRINT.ordinal();
        for (int d = 0; d < Dimension.COUNT; d++) {
            if (JUDGED[d] && novelty[d] > novelty[best]) {
                best = d;
            }
        }
        return Dimension.of(best);
    }

    double maxNovelty() {
        return novelty[mostNovel().ordinal()];
    }

    /** Requests per second this many times the expected rate (1 when nothing is expected yet). */
    double rateRatio() {
        return expected > 0 ? rate / expected : 1;
    }

    public double rate() {
        return rate;
    }

    public double expected() {
        return expected;
    }

    /** One line for logs, transitions and the admin API. */
    String explain(TrafficRecorder.Tick t) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "rate %.0f/s, normal %.0f±%.0f/s (%.1fx)", rate, expected, sigma, rateRatio()));
        if (!learned) {
            sb.append(" [still learning]");
        }
        Dimension d = mostNovel();
        if (novelty[d.ordinal()] > 0) {
            int s = topNovelSample[d.ordinal()];
            String value = s >= 0 && s < t.sampled ? t.describe(s, d) : "?";
            sb.append(String.format(Locale.ROOT, "; %.0f%% of requests in %s values rare before (most: %s)",
                    100 * novelty[d.ordinal()], d.id(), value));
        }
        sb.append(String.format(Locale.ROOT, "; origin latency %.1fx normal, %.0f%% errors%s; %d sources",
                latencyRatio, 100 * errorShare, saturated ? ", saturated" : "", sources));
        return sb.toString();
    }
}

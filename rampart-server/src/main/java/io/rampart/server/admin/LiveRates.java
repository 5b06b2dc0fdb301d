package io.rampart.server.admin;

import io.rampart.metrics.GatewayMetrics;
import io.rampart.mitigate.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Per-second figures for the dashboard, one sampler for every viewer: once a second the
 * gateway's counters are read and their differences kept in a ring of {@value #POINTS} points per
 * site (requests per second by verdict, origin latency and errors). Viewers read the ring, so
 * ten open dashboards cost what one does.
 */
final class LiveRates {
    static final int POINTS = 300;
    private static final Verdict[] VERDICTS = Verdict.values();

    private final GatewayMetrics metrics;
    private final List<String> sites;
    private final long[][] lastVerdicts;
    private final long[][] lastUpstream;
    private final long[] lastErrors;
    private final long[] times = new long[POINTS];
    private final double[][][] byVerdict;
    private final double[][] latencyMs;
    private final double[][] errorsPerSecond;
    private int count;
    private long lastMillis;

    LiveRates(GatewayMetrics metrics, List<String> sites) {
        this.metrics = metrics;
        this.sites = List.copyOf(sites);
        int n = sites.size();
        lastVerdicts = new long[n][];
        lastUpstream = new long[n][];
        lastErrors = new long[n];
        byVerdict = new double[n][VERDICTS.length][POINTS];
        latencyMs = new double[n][POINTS];
        errorsPerSecond = new double[n][POINTS];
    }

    /** Reads the counters now (the admin event loop calls this every second). */
    synchronized void sample(long nowMillis) {
        int slot = count % POINTS;
        double seconds = lastMillis == 0 ? 1 : Math.max(0.001, (nowMillis - lastMillis) / 1000.0);
        for (int s = 0; s < sites.size(); s++) {
            long[] v = new long[VERDICTS.length];
            for (Verdict x : VERDICTS) {
                v[x.ordinal()] = metrics.requestCount(s, x);
            }
            long[] up = metrics.upstreamTotals(s);
            long errors = metrics.upstreamErrorCount(s) + metrics.responseCount(s, 5);
            for (Verdict x : VERDICTS) {
                byVerdict[s][x.ordinal()][slot] = lastVerdicts[s] == null ? 0 : (v[x.ordinal()] - lastVerdicts[s][x.ordinal()]) / seconds;
            }
            if (lastUpstream[s] != null && up[0] > lastUpstream[s][0]) {
                latencyMs[s][slot] = (up[1] - lastUpstream[s][1]) / 1e6 / (up[0] - lastUpstream[s][0]);
            } else {
                latencyMs[s][slot] = Double.NaN;
            }
            errorsPerSecond[s][slot] = lastVerdicts[s] == null ? 0 : (errors - lastErrors[s]) / seconds;
            lastVerdicts[s] = v;
            lastUpstream[s] = up;
            lastErrors[s] = errors;
        }
        times[slot] = nowMillis / 1000;
        lastMillis = nowMillis;
        count++;
    }

    /** The last {@code points} seconds of one site, oldest first, as columns for uPlot. */
    synchronized Map<String, Object> series(int site, int points) {
        int n = Math.min(Math.min(points, POINTS), count);
        List<Long> t = new ArrayList<>(n);
        Map<String, List<Double>> verdicts = new LinkedHashMap<>();
        for (Verdict x : VERDICTS) {
            verdicts.put(x.label(), new ArrayList<>(n));
        }
        List<Double> lat = new ArrayList<>(n);
        List<Double> err = new ArrayList<>(n);
        for (int i = count - n; i < count; i++) {
            int slot = i % POINTS;
            t.add(times[slot]);
            for (Verdict x : VERDICTS) {
                verdicts.get(x.label()).add(round(byVerdict[site][x.ordinal()][slot]));
            }
            double l = latencyMs[site][slot];
            lat.add(Double.isNaN(l) ? null : round(l));
            err.add(round(errorsPerSecond[site][slot]));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("time", t);
        out.put("requestsPerSecond", verdicts);
        out.put("originLatencyMs", lat);
        out.put("originErrorsPerSecond", err);
        return out;
    }

    /** The latest point of one site: requests per second by verdict. */
    synchronized Map<String, Double> latest(int site) {
        Map<String, Double> out = new LinkedHashMap<>();
        int slot = (count - 1 + POINTS) % POINTS;
        for (Verdict x : VERDICTS) {
            out.put(x.label(), count == 0 ? 0 : round(byVerdict[site][x.ordinal()][slot]));
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}

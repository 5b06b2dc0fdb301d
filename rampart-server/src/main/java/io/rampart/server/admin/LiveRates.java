package io.rampart.server.admin;

import io.rampart.metrics.GatewayMetrics;
import io.rampart.mitigate.Verdict;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import io.rampart.detect.ControlPlane;

/**
 * Per-second figures for the dashboard, one sampler for every viewer: once a second the
 * gateway's counters are read and their differences kept in a ring of {@value #POINTS} points per
 * site (requests per second by verdict, origin latency and errors) and one for the node (packets
 * of judged sources the kernel firewall dropped, when it is on). The same seconds, as counts, go
 * to the {@link History} with the control plane's figures (known users' requests and failures,
 * distinct sources, each rule's matches), read as running totals and differenced here the way the
 * gateway's counters are. Viewers read the ring, so
 * ten open dashboards cost what one does. Sites are the gateway's counter slots
 * ({@link GatewayMetrics#siteSlot}); a site added by a reload gets its ring at the next sample.
 */
final class LiveRates {
    static final int POINTS = 300;
    private static final Verdict[] VERDICTS = Verdict.values();

    private final GatewayMetrics metrics;
    private final LongSupplier kernelDropped;
    /** The control plane's running totals per site (known users, sources, rule matches), or null without detection. */
    private final Supplier<List<ControlPlane.SiteTotals>> detection;
    /** Each site's totals at the last sample, by site name. */
    private final Map<String, ControlPlane.SiteTotals> lastTotals = new java.util.HashMap<>();
    private final History history;
    private final double[] kernelPerSecond = new double[POINTS];
    private long lastKernel = -1;
    private final long[] times = new long[POINTS];
    private Ring[] rings = new Ring[0];
    private int count;
    private long lastMillis;

    /** One slot's last counter readings and its ring of per-second figures. */
    private static final class Ring {
        long[] lastVerdicts;
        long[] lastUpstream;
        long lastErrors;
        final double[][] byVerdict = new double[VERDICTS.length][POINTS];
        final double[] latencyMs = new double[POINTS];
        final double[] errorsPerSecond = new double[POINTS];
        /** Known users' success in percent (NaN: none that second) and distinct sources, from the control plane. */
        final double[] knownSuccess = new double[POINTS];
        final double[] sources = new double[POINTS];
    }

    /** @param kernelDropped packets dropped in the kernel so far, or null without the firewall */
    LiveRates(GatewayMetrics metrics, LongSupplier kernelDropped) {
        this(metrics, kernelDropped, History.inMemory(), null);
    }

    /**
     * ... and each second's counts handed to {@code history} too, with the control plane's figures
     * from {@code detection} (null: none).
     */
    LiveRates(GatewayMetrics metrics, LongSupplier kernelDropped, History history, Supplier<List<ControlPlane.SiteTotals>> detection) {
        this.metrics = metrics;
        this.kernelDropped = kernelDropped;
        this.history = history;
        this.detection = detection;
    }

    /** Reads the counters now (the admin event loop calls this every second). */
    synchronized void sample(long nowMillis) {
        int slot = count % POINTS;
        double seconds = lastMillis == 0 ? 1 : Math.max(0.001, (nowMillis - lastMillis) / 1000.0);
        int slots = metrics.slotCount();
        if (rings.length < slots) {
            Ring[] grown = java.util.Arrays.copyOf(rings, slots);
            for (int s = rings.length; s < slots; s++) {
                grown[s] = new Ring();
                if (count > 0) {
                    // a slot that appeared since the last sample is a new site (slots are never
                    // reused): its counters started at zero, so its first requests count now
                    grown[s].lastVerdicts = new long[VERDICTS.length];
                    grown[s].lastUpstream = new long[2];
                }
            }
            rings = grown;
        }
        Map<String, ControlPlane.SiteTotals> totals = new java.util.HashMap<>();
        if (detection != null) {
            for (ControlPlane.SiteTotals t : detection.get()) {
                totals.put(t.site(), t);
            }
        }
        long kernelNow = kernelDropped == null ? 0 : kernelDropped.getAsLong();
        double kernelDiff = kernelDropped == null || lastKernel < 0 ? 0 : kernelNow - lastKernel;
        for (int s = 0; s < slots; s++) {
            Ring r = rings[s];
            long[] v = new long[VERDICTS.length];
            for (Verdict x : VERDICTS) {
                v[x.ordinal()] = metrics.requestCount(s, x);
            }
            long[] up = metrics.upstreamTotals(s);
            long errors = metrics.upstreamErrorCount(s) + metrics.responseCount(s, 5);
            for (Verdict x : VERDICTS) {
                r.byVerdict[x.ordinal()][slot] = r.lastVerdicts == null ? 0 : (v[x.ordinal()] - r.lastVerdicts[x.ordinal()]) / seconds;
            }
            if (r.lastUpstream != null && up[0] > r.lastUpstream[0]) {
                r.latencyMs[slot] = (up[1] - r.lastUpstream[1]) / 1e6 / (up[0] - r.lastUpstream[0]);
            } else {
                r.latencyMs[slot] = Double.NaN;
            }
            r.errorsPerSecond[slot] = r.lastVerdicts == null ? 0 : (errors - r.lastErrors) / seconds;
            r.knownSuccess[slot] = Double.NaN;
            r.sources[slot] = 0;
            String site = r.lastVerdicts == null ? null : metrics.siteOf(s);
            if (site != null) { // the same differences, as counts, for the history
                double[] counts = new double[History.COLUMNS_COUNT];
                for (Verdict x : VERDICTS) {
                    counts[x.ordinal()] = v[x.ordinal()] - r.lastVerdicts[x.ordinal()];
                }
                counts[VERDICTS.length] = up[0] - r.lastUpstream[0];
                counts[VERDICTS.length + 1] = up[1] - r.lastUpstream[1];
                counts[VERDICTS.length + 2] = errors - r.lastErrors;
                counts[VERDICTS.length + 3] = kernelDiff;
                ControlPlane.SiteTotals now = totals.get(site);
                ControlPlane.SiteTotals before = lastTotals.get(site);
                if (now != null) {
                    if (before != null) { // a site re-made by a reload starts again from zero: its first totals count whole
                        counts[VERDICTS.length + 4] = Math.max(0, now.known() - (now.known() >= before.known() ? before.known() : 0));
                        counts[VERDICTS.length + 5] = Math.max(0, now.knownFailed() - (now.knownFailed() >= before.knownFailed() ? before.knownFailed() : 0));
                    }
                    counts[VERDICTS.length + 6] = now.sources();
                    double known = counts[VERDICTS.length + 4];
                    r.knownSuccess[slot] = known > 0 ? 100 * (1 - Math.min(known, counts[VERDICTS.length + 5]) / known) : Double.NaN;
                    r.sources[slot] = now.sources();
                    history.addRules(site, nowMillis / 1000, ruleMatches(now, before));
                }
                history.add(site, nowMillis / 1000, counts);
            }
            r.lastVerdicts = v;
            r.lastUpstream = up;
            r.lastErrors = errors;
        }
        lastTotals.clear();
        lastTotals.putAll(totals);
        if (kernelDropped != null) {
            kernelPerSecond[slot] = kernelDiff / seconds;
            lastKernel = kernelNow;
        }
        times[slot] = nowMillis / 1000;
        lastMillis = nowMillis;
        count++;
    }

    /** Each rule's matches since the last sample: a rule new since then, or counting from zero again, counts whole. */
    private static Map<String, Double> ruleMatches(ControlPlane.SiteTotals now, ControlPlane.SiteTotals before) {
        Map<String, Double> out = new LinkedHashMap<>();
        for (Map.Entry<String, Long> e : now.ruleMatches().entrySet()) {
            Long was = before == null ? null : before.ruleMatches().get(e.getKey());
            long d = was == null || was > e.getValue() ? (before == null ? 0 : e.getValue()) : e.getValue() - was;
            if (d > 0) {
                out.put(e.getKey(), (double) d);
            }
        }
        return out;
    }

    /** The last {@code points} seconds of one site (by slot), oldest first, as columns for uPlot. */
    synchronized Map<String, Object> series(int site, int points) {
        Ring r = site >= 0 && site < rings.length ? rings[site] : null;
        int n = r == null ? 0 : Math.min(Math.min(points, POINTS), count);
        List<Long> t = new ArrayList<>(n);
        Map<String, List<Double>> verdicts = new LinkedHashMap<>();
        for (Verdict x : VERDICTS) {
            verdicts.put(x.label(), new ArrayList<>(n));
        }
        List<Double> lat = new ArrayList<>(n);
        List<Double> err = new ArrayList<>(n);
        List<Double> kernel = new ArrayList<>(n);
        List<Double> success = new ArrayList<>(n);
        List<Double> sources = new ArrayList<>(n);
        for (int i = count - n; i < count; i++) {
            int slot = i % POINTS;
            t.add(times[slot]);
            for (Verdict x : VERDICTS) {
                verdicts.get(x.label()).add(round(r.byVerdict[x.ordinal()][slot]));
            }
            double l = r.latencyMs[slot];
            lat.add(Double.isNaN(l) ? null : round(l));
            err.add(round(r.errorsPerSecond[slot]));
            kernel.add(round(kernelPerSecond[slot]));
            success.add(Double.isNaN(r.knownSuccess[slot]) ? null : round(r.knownSuccess[slot]));
            sources.add(r.sources[slot]);
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("time", t);
        out.put("requestsPerSecond", verdicts);
        out.put("originLatencyMs", lat);
        out.put("originErrorsPerSecond", err);
        out.put("knownSuccessPercent", success);
        out.put("sources", sources);
        if (kernelDropped != null) {
            out.put("droppedInKernelPerSecond", kernel); // the whole node's: the kernel drops before any site is known
        }
        return out;
    }

    History history() {
        return history;
    }

    /** The latest point of one site (by slot): requests per second by verdict. */
    synchronized Map<String, Double> latest(int site) {
        Map<String, Double> out = new LinkedHashMap<>();
        int slot = (count - 1 + POINTS) % POINTS;
        Ring r = site >= 0 && site < rings.length ? rings[site] : null;
        for (Verdict x : VERDICTS) {
            out.put(x.label(), count == 0 || r == null ? 0 : round(r.byVerdict[x.ordinal()][slot]));
        }
        return out;
    }

    private static double round(double v) {
        return Math.round(v * 10) / 10.0;
    }
}

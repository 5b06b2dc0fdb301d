package io.rampart.lab.score;

import io.rampart.lab.Kind;
import io.rampart.lab.load.Outcome;
import io.rampart.lab.load.Tally;
import io.rampart.lab.origin.OriginStats;
import io.rampart.lab.scenario.Criteria;
import io.rampart.lab.scenario.Scenario;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.HdrHistogram.Histogram;

/**
 * Turns what the generator saw ({@link Tally}) and what reached the origin ({@link OriginStats})
 * into a {@link TargetScore}.
 *
 * <p>Definitions (also in docs/lab.md):
 * <ul>
 * <li>legitimate success: share of legitimate requests that ended in the event window with a 2xx
 *     or 3xx answer (timeouts, resets, refusals and errors are failures);</li>
 * <li>latency: p50/p99 of good legitimate answers in the window, and before it (the baseline);</li>
 * <li>attack share: flood requests counted at the origin over flood requests sent;</li>
 * <li>time to mitigate: seconds from onset to the end of the first second {@code s} in which at
 *     least 90% of flood requests were kept off the origin, both in {@code s} alone and from
 *     {@code s} to the end of the window (so one lucky second does not count);</li>
 * <li>over capacity: seconds in which the origin shed, queued a request beyond its overload
 *     threshold, or had no connection slot free.</li>
 * </ul>
 */
public final class Scorer {
    static final double MITIGATED = 0.9;
    static final int ONSET_SECONDS = 5;

    private Scorer() {
    }

    public static TargetScore score(String target, Scenario scenario, Tally tally, OriginStats origin,
                                    Double cpuSeconds, Double peakRssMb) {
        int from = tally.windowFrom();
        int to = tally.windowTo();
        long legitEnded = 0;
        long legitOk = 0;
        long legitRefused = 0;
        long challengesSolved = 0;
        Histogram during = new Histogram(3);
        Histogram before = new Histogram(3);
        Map<String, KindScore> perKind = new LinkedHashMap<>();
        for (Kind k : Kind.values()) {
            if (!k.legitimate()) {
                continue;
            }
            long ended = tally.ended(k, true);
            if (ended == 0 && tally.ended(k, false) == 0) {
                continue;
            }
            long solved = tally.challengesSolved(k, true);
            long ok = tally.outcomes(k, Outcome.OK, true) + solved; // a solved challenge delayed a page, it did not refuse it
            long refused = -solved;
            for (Outcome o : Outcome.values()) {
                if (o.refusal()) {
                    refused += tally.outcomes(k, o, true);
                }
            }
            refused = Math.max(0, refused);
            Histogram h = tally.latency(k, true);
            perKind.put(k.label(), new KindScore(ended, share(ok, ended), refused, percentile(h, 50), percentile(h, 99),
                    percentile(tally.latency(k, false), 99), solved, percentile(tally.challengeCost(k), 99)));
            challengesSolved += tally.challengesSolved(k, false);
            legitEnded += ended;
            legitOk += ok;
            legitRefused += refused;
            during.add(h);
            before.add(tally.latency(k, false));
        }
        long attackSent = tally.sentSeries().total(Kind.FLOODER);
        long attackAtOrigin = origin.arrivals().total(Kind.FLOODER);
        Double ttm = attackSent == 0 ? null : timeToMitigate(tally, origin, from, to);
        long requestsSent = 0;
        for (Kind k : Kind.values()) {
            requestsSent += tally.sentSeries().total(k);
        }
        TargetScore figures = new TargetScore(target, requestsSent, legitEnded, share(legitOk, legitEnded), perKind,
                percentile(during, 50), percentile(during, 99), percentile(before, 50), percentile(before, 99),
                attackSent, attackAtOrigin, attackSent == 0 ? null : Math.min(1.0, (double) attackAtOrigin / attackSent),
                origin.overCapacitySeconds(0, origin.seconds()), ttm,
                tally.legitClients(), tally.refusedLegitClients(), legitRefused, challengesSolved,
                tally.slowOpened(), tally.slowHeldMax(0, tally.seconds()), tally.slowClosedByTarget(),
                cpuSeconds, peakRssMb, true, List.of(), attackSent == 0 ? List.of() : waves(tally, origin, from, to),
                onset(tally, origin, from, to));
        return figures.judged(failures(scenario.success(), figures));
    }

    /**
     * The attack's waves in the window: runs of seconds with flood traffic separated by at least
     * one silent second. Each wave's time to mitigate counts from its own onset, over its own seconds.
     */
    static List<TargetScore.Wave> waves(Tally tally, OriginStats origin, int from, int to) {
        List<TargetScore.Wave> out = new ArrayList<>();
        int s = from;
        while (s < to) {
            while (s < to && tally.sentSeries().get(Kind.FLOODER, s) == 0) {
                s++;
            }
            if (s >= to) {
                break;
            }
            int onset = s;
            while (s < to && tally.sentSeries().get(Kind.FLOODER, s) > 0) {
                s++;
            }
            long sent = tally.sentSeries().sum(Kind.FLOODER, onset, s);
            long reached = origin.arrivals().sum(Kind.FLOODER, onset, s);
            out.add(new TargetScore.Wave(onset, sent, reached, timeToMitigate(tally, origin, onset, s)));
        }
        return out;
    }

    /** The flood's first {@link #ONSET_SECONDS} seconds in the window, sent and reached; empty without a flood. */
    static List<TargetScore.Second> onset(Tally tally, OriginStats origin, int from, int to) {
        List<TargetScore.Second> out = new ArrayList<>();
        for (int s = from; s < to && out.size() < ONSET_SECONDS; s++) {
            long sent = tally.sentSeries().get(Kind.FLOODER, s);
            if (sent > 0 || !out.isEmpty()) {
                out.add(new TargetScore.Second(s, sent, origin.arrivals().get(Kind.FLOODER, s)));
            }
        }
        return out;
    }

    /** Seconds from the first attack second to the end of the first well-mitigated second; null if never. */
    static Double timeToMitigate(Tally tally, OriginStats origin, int from, int to) {
        int onset = -1;
        for (int s = from; s < to; s++) {
            if (tally.sentSeries().get(Kind.FLOODER, s) > 0) {
                onset = s;
                break;
            }
        }
        if (onset < 0) {
            return null;
        }
        for (int s = onset; s < to; s++) {
            long sent = tally.sentSeries().get(Kind.FLOODER, s);
            if (sent == 0) {
                continue;
            }
            double keptNow = 1.0 - (double) origin.arrivals().get(Kind.FLOODER, s) / sent;
            long restSent = tally.sentSeries().sum(Kind.FLOODER, s, to);
            double keptRest = 1.0 - (double) origin.arrivals().sum(Kind.FLOODER, s, to) / restSent;
            if (keptNow >= MITIGATED && keptRest >= MITIGATED) {
                return (double) (s - onset + 1);
            }
        }
        return null;
    }

    static List<String> failures(Criteria c, TargetScore s) {
        List<String> out = new ArrayList<>();
        if (c.legitOkMin() != null && s.legitOkShare() < c.legitOkMin()) {
            out.add(String.format(Locale.ROOT, "legitimate success %.1f%% < %.1f%%", s.legitOkShare() * 100, c.legitOkMin() * 100));
        }
        if (c.legitP99MaxRatio() != null) {
            if (s.legitP99Millis() == null || s.baselineP99Millis() == null) {
                out.add("legitimate p99 not measured before and during the attack");
            } else if (s.legitP99Millis() > c.legitP99MaxRatio() * s.baselineP99Millis()) {
                out.add(String.format(Locale.ROOT, "legitimate p99 %.0f ms > %.1f x the %.0f ms before the attack",
                        s.legitP99Millis(), c.legitP99MaxRatio(), s.baselineP99Millis()));
            }
        }
        if (c.legitP99MaxMillis() != null && (s.legitP99Millis() == null || s.legitP99Millis() > c.legitP99MaxMillis())) {
            out.add(String.format(Locale.ROOT, "legitimate p99 %s > %.0f ms", s.legitP99Millis() == null ? "none" : String.format(Locale.ROOT, "%.0f ms", s.legitP99Millis()), c.legitP99MaxMillis()));
        }
        if (c.attackToOriginMaxShare() != null && s.attackToOriginShare() != null && s.attackToOriginShare() > c.attackToOriginMaxShare()) {
            out.add(String.format(Locale.ROOT, "attack reaching origin %.1f%% > %.1f%%", s.attackToOriginShare() * 100, c.attackToOriginMaxShare() * 100));
        }
        if (c.originOverCapacityMaxSeconds() != null && s.originOverCapacitySeconds() > c.originOverCapacityMaxSeconds()) {
            out.add("origin over capacity " + s.originOverCapacitySeconds() + " s > " + c.originOverCapacityMaxSeconds() + " s");
        }
        if (c.timeToMitigateMaxSeconds() != null && s.attackSent() > 0
                && (s.timeToMitigateSeconds() == null || s.timeToMitigateSeconds() > c.timeToMitigateMaxSeconds())) {
            out.add("time to mitigate " + (s.timeToMitigateSeconds() == null ? "never" : s.timeToMitigateSeconds().intValue() + " s")
                    + " > " + c.timeToMitigateMaxSeconds().intValue() + " s");
        }
        KindScore known = s.perPersona().get(Kind.STAFF.label());
        if (c.knownOkMin() != null && (known == null || known.okShare() < c.knownOkMin())) {
            out.add(known == null ? "no known-user (staff) requests" : String.format(Locale.ROOT,
                    "known users' success %.2f%% < %.2f%%", known.okShare() * 100, c.knownOkMin() * 100));
        }
        if (c.knownP99MaxRatio() != null && known != null) {
            if (known.p99Millis() == null || known.baselineP99Millis() == null) {
                out.add("known users' p99 not measured before and during the attack");
            } else if (known.p99Millis() > c.knownP99MaxRatio() * known.baselineP99Millis()) {
                out.add(String.format(Locale.ROOT, "known users' p99 %.0f ms > %.1f x their %.0f ms before the attack",
                        known.p99Millis(), c.knownP99MaxRatio(), known.baselineP99Millis()));
            }
        }
        if (c.legitClientsRefusedMax() != null && s.legitClientsRefused() > c.legitClientsRefusedMax()) {
            out.add(s.legitClientsRefused() + " legitimate clients refused > " + c.legitClientsRefusedMax());
        }
        return out;
    }

    static double share(long part, long whole) {
        return whole == 0 ? 0 : (double) part / whole;
    }

    static Double percentile(Histogram h, double p) {
        return h.getTotalCount() == 0 ? null : h.getValueAtPercentile(p) / 1000.0;
    }
}

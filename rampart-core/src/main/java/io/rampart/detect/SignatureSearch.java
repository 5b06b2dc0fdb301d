package io.rampart.detect;

import io.rampart.config.MitigationStep;
import io.rampart.mitigate.Condition;
import io.rampart.traffic.Dimension;
import io.rampart.traffic.TrafficRecorder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Finds the narrowest combination of dimension values that captures an attack's excess traffic,
 * and estimates what a rule on it would cost legitimate users.
 *
 * <p>Design note (greedy conjunctive search over a whole-request sample, in the spirit of
 * association-rule mining as used by DDoS signature extractors):
 * <ol>
 * <li>Each candidate term is one value of one dimension, taken from the most frequent values of
 * the tick's sample still unmitigated; for the address and network dimensions also the <em>set</em>
 * of heavy values (each at least 1% of the sample, at most {@value #MAX_SET}) that normal traffic
 * never had: a few networks sending much. A crowd of new visitors, each a small share, never forms
 * such a set, so it cannot be blocked for being new.</li>
 * <li>For a condition set C: {@code now(C)} is its rate in this tick, {@code normal(C)} the rate
 * normal traffic would have there (its share of the baseline sample times the expected rate),
 * {@code excess = now − normal}, and {@code collateral = max(normal(C), known(C)) / expected},
 * where {@code known(C)} is traffic of clients already known good that matches.</li>
 * <li>Start from the term with the largest excess times precision; then add terms from other dimensions that keep
 * at least 98% of the matched traffic (narrower at no loss; never an address or network term,
 * which would tie the rule to where the bots happen to be this second) or that cut the collateral
 * while keeping 80%; at most four terms.</li>
 * <li>A signature whose collateral is within {@code maxCollateral} may climb the whole ladder;
 * one within {@code challengeCollateral} only up to challenge (browsers pass it); beyond that it
 * is not deployed. It starts at block when it is clear-cut (precision ≥ 95%, collateral within a
 * tenth of the bound), else at challenge.</li>
 * <li>The matches are removed and the search repeats for another vector, up to three per tick.</li>
 * </ol>
 * Memory and time are bounded by the sample size (at most {@link TrafficRecorder#SLOTS} rows) and
 * the baseline reservoir. An attacker who copies the commonest browser fingerprint is still caught
 * on the dimensions it does not copy (its path, query or networks); one that copies everything is
 * indistinguishable by content, and the ladder widens to challenging every unknown client instead.
 */
final class SignatureSearch {
    static final int TOP_VALUES = 12;
    static final int MAX_TERMS = 4;
    static final int MAX_SIGNATURES = 3;
    static final int MAX_SET = 64;
    /** A rule's matches must be at least two thirds excess: three times what normal traffic sends there. */
    static final double MIN_PRECISION = 2.0 / 3;
    /** Requests per second of excess below which no rule is worth it (per-client limits suffice). */
    static final double MIN_EXCESS = 10;
    private static final int F = TrafficRecorder.FIELDS;

    private double maxCollateral;
    private double challengeCollateral;
    /** Why the last search found nothing (for the site's event history), or null. */
    String lastRefusal;
    /** The refused rule's conditions alone (the numbers change every tick), or null. */
    String lastRefusalKey;

    /** Takes new collateral limits (a reload changed {@code detection}). */
    void tune(double maxCollateral, double challengeCollateral) {
        this.maxCollateral = maxCollateral;
        this.challengeCollateral = challengeCollateral;
    }

    SignatureSearch(double maxCollateral, double challengeCollateral) {
        this.maxCollateral = maxCollateral;
        this.challengeCollateral = challengeCollateral;
    }

    /**
     * Signatures for the excess in {@code t}. {@code covered[i]} marks samples already matched by
     * rules in force (they are left out); {@code legitRate} is the rate normal traffic has (the
     * baseline's expected rate), which a condition's share of the baseline is multiplied by.
     */
    List<Signature> search(TrafficRecorder.Tick t, double rate, double legitRate, Baseline b, boolean[] covered) {
        lastRefusal = null;
        int n = t.sampled;
        List<Signature> found = new ArrayList<>();
        if (n == 0 || rate <= 0) {
            return found;
        }
        double scale = rate / n;
        double expected = Math.max(legitRate, 1);
        boolean[] active = new boolean[n];
        int activeCount = 0;
        for (int i = 0; i < n; i++) {
            active[i] = covered == null || !covered[i];
            activeCount += active[i] ? 1 : 0;
        }
        for (int round = 0; round < MAX_SIGNATURES; round++) {
            double anomaly = activeCount * scale - legitRate * activeCount / n;
            if (anomaly <= 0.2 * rate && round > 0 || activeCount < 8) {
                break;
            }
            Signature s = searchOne(t, active, scale, expected, b);
            if (s == null) {
                break;
            }
            found.add(s);
            for (int i = 0; i < n; i++) {
                if (active[i] && matches(s.conditions(), t.samples, i * F)) {
                    active[i] = false;
                    activeCount--;
                }
            }
        }
        return found;
    }

    private Signature searchOne(TrafficRecorder.Tick t, boolean[] active, double scale, double expected, Baseline b) {
        List<Condition> best = null;
        double bestScore = 0;
        for (Condition c : candidates(t, active, null, b)) {
            double ex = excess(List.of(c), t, active, scale, expected, b);
            double score = ex <= 0 ? 0 : ex * ex / (count(List.of(c), t, active) * scale); // excess × precision
            if (isNetwork(c.dimension())) {
                score *= 0.9; // at a near tie, what the bots send beats where they are: it holds when they move
            }
            if (score > bestScore) {
                bestScore = score;
                best = List.of(c);
            }
        }
        if (best == null) {
            lastRefusal = "no value stands out: the excess traffic looks like normal traffic";
            lastRefusalKey = lastRefusal;
            return null;
        }
        List<Condition> rule = new ArrayList<>(best);
        double matched = count(rule, t, active);
        double collateral = collateral(rule, t, active, scale, expected, b);
        while (rule.size() < MAX_TERMS) {
            Condition pick = null;
            double pickCollateral = collateral;
            double pickMatched = 0;
            for (Condition c : candidates(t, active, rule, b)) {
                List<Condition> wider = new ArrayList<>(rule);
                wider.add(c);
                double m = count(wider, t, active);
                double coverage = m / matched;
                if (coverage < 0.8) {
                    continue;
                }
                double col = collateral(wider, t, active, scale, expected, b);
                // a network term only where it spares legitimate traffic: as a free narrowing it would
                // tie the rule to where the botnet happens to be this second
                // nor the absence of a TLS or HTTP/2 fingerprint: "tls=" (plain HTTP) would let the same
                // bots through the moment they switch to HTTPS
                boolean free = coverage >= 0.98 && col <= pickCollateral + 1e-9 && !isNetwork(c.dimension()) && !absentPrint(c);
                boolean cheaper = col < pickCollateral - 1e-9;
                // at equal cost a content term beats a network term: it still holds when the bots move
                boolean better = pick == null || col < pickCollateral - 1e-9 || m > pickMatched
                        || (isNetwork(pick.dimension()) && !isNetwork(c.dimension()) && col <= pickCollateral + 1e-9);
                if ((free || cheaper) && better) {
                    pick = c;
                    pickCollateral = col;
                    pickMatched = m;
                }
            }
            if (pick == null) {
                break;
            }
            rule.add(pick);
            matched = pickMatched;
            collateral = pickCollateral;
        }
        double now = matched * scale;
        double excess = excess(rule, t, active, scale, expected, b);
        // at least three times what normal traffic sends there (the novelty lift), and a real flow
        if (excess <= 0 || excess / now < MIN_PRECISION || excess < MIN_EXCESS || collateral > challengeCollateral) {
            lastRefusalKey = Condition.describeAll(rule);
            lastRefusal = String.format(java.util.Locale.ROOT,
                    "no rule for %s: %.0f/s matching, %.0f/s in excess, %.1f%% of normal traffic would be hit", Condition.describeAll(rule),
                    now, excess, 100 * collateral);
            return null;
        }
        MitigationStep highest = collateral <= maxCollateral ? MitigationStep.CLOSE : MitigationStep.CHALLENGE;
        boolean clearCut = excess / now >= 0.95 && collateral <= maxCollateral / 10;
        if (onlyCommonSoftware(rule, b)) {
            // a popular browser's user agent or fingerprint, with nothing that narrows it (a path, a
            // query, a network): a bot copying it must not get it refused for everyone; a challenge
            // costs a real browser a second, a block costs it the site
            highest = MitigationStep.CHALLENGE;
            clearCut = false;
        }
        return new Signature(List.copyOf(rule), now, excess, collateral,
                clearCut ? MitigationStep.BLOCK : MitigationStep.CHALLENGE, highest);
    }

    /** A share of normal traffic from which a user agent or fingerprint is a common browser's. */
    static final double COMMON_SOFTWARE_SHARE = 0.02;

    /**
     * Whether every term of {@code rule} names client software (user agent, header, TLS or HTTP/2
     * fingerprint) and one of them is common in the site's normal traffic (at least
     * {@value #COMMON_SOFTWARE_SHARE} of it): such a rule may challenge, never block.
     */
    static boolean onlyCommonSoftware(List<Condition> rule, Baseline b) {
        boolean common = false;
        for (Condition c : rule) {
            Dimension d = c.dimension();
            if (d != Dimension.USER_AGENT && d != Dimension.FINGERPRINT && d != Dimension.TLS && d != Dimension.H2) {
                return false;
            }
            double share = 0;
            for (long v : c.values()) {
                share += b.share(d.ordinal(), v);
            }
            common |= share >= COMMON_SOFTWARE_SHARE;
        }
        return common;
    }

    /** Candidate terms among samples that are active and match {@code within} (all of them when null). */
    private List<Condition> candidates(TrafficRecorder.Tick t, boolean[] active, List<Condition> within, Baseline b) {
        List<Condition> out = new ArrayList<>();
        int n = t.sampled;
        for (Dimension d : Dimension.values()) {
            int di = d.ordinal();
            if (within != null && usesDimension(within, d)) {
                continue;
            }
            Map<Long, int[]> counts = new HashMap<>();
            for (int i = 0; i < n; i++) {
                if (active[i] && (within == null || matches(within, t.samples, i * F))) {
                    int[] c = counts.get(t.value(i, di));
                    if (c == null) {
                        counts.put(t.value(i, di), new int[] {1, i});
                    } else {
                        c[0]++;
                    }
                }
            }
            List<Map.Entry<Long, int[]>> top = new ArrayList<>(counts.entrySet());
            top.sort((x, y) -> Integer.compare(y.getValue()[0], x.getValue()[0]));
            for (int k = 0; k < Math.min(TOP_VALUES, top.size()); k++) {
                Map.Entry<Long, int[]> e = top.get(k);
                if (e.getValue()[0] < 2) {
                    break;
                }
                out.add(Condition.of(d, e.getKey(), t.describe(e.getValue()[1], d)));
            }
            if ((d == Dimension.NETWORK || d == Dimension.WIDE_NETWORK || d == Dimension.CLIENT) && counts.size() > 1) {
                Condition set = unseenSet(d, top, t, b, Math.max(2, (int) Math.ceil(Signals.FLOOR * n)));
                if (set != null) {
                    out.add(set);
                }
            }
        }
        return out;
    }

    /** The values of {@code d} normal traffic never had, most frequent first (a botnet's networks). */
    private static Condition unseenSet(Dimension d, List<Map.Entry<Long, int[]>> top, TrafficRecorder.Tick t, Baseline b,
                                       int minCount) {
        List<Long> values = new ArrayList<>();
        List<String> texts = new ArrayList<>();
        for (Map.Entry<Long, int[]> e : top) {
            if (values.size() >= MAX_SET || e.getValue()[0] < minCount) {
                break; // only heavy sources: a crowd of new visitors, one request each, is not a set to block
            }
            if (b.share(d.ordinal(), e.getKey()) == 0) {
                values.add(e.getKey());
                texts.add(t.describe(e.getValue()[1], d));
            }
        }
        if (values.size() < 2) {
            return null;
        }
        long[] v = new long[values.size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = values.get(i);
        }
        return new Condition(d, v, texts);
    }

    /** A TLS or HTTP/2 fingerprint term whose value is "none": the request came without TLS or HTTP/2. */
    static boolean absentPrint(Condition c) {
        return (c.dimension() == Dimension.TLS || c.dimension() == Dimension.H2) && c.texts().size() == 1 && c.texts().get(0).isEmpty();
    }

    private static boolean isNetwork(Dimension d) {
        return d == Dimension.CLIENT || d == Dimension.NETWORK || d == Dimension.WIDE_NETWORK || d == Dimension.ASN
                || d == Dimension.COUNTRY;
    }

    private static boolean usesDimension(List<Condition> rule, Dimension d) {
        for (Condition c : rule) {
            if (c.dimension() == d) {
                return true;
            }
        }
        return false;
    }

    private static double count(List<Condition> rule, TrafficRecorder.Tick t, boolean[] active) {
        int m = 0;
        for (int i = 0; i < t.sampled; i++) {
            if (active[i] && matches(rule, t.samples, i * F)) {
                m++;
            }
        }
        return m;
    }

    private static double excess(List<Condition> rule, TrafficRecorder.Tick t, boolean[] active, double scale, double expected,
                                 Baseline b) {
        return count(rule, t, active) * scale - b.share(rows(rule)) * expected;
    }

    private static double collateral(List<Condition> rule, TrafficRecorder.Tick t, boolean[] active, double scale,
                                     double expected, Baseline b) {
        double normal = b.share(rows(rule)) * expected;
        int known = 0;
        for (int i = 0; i < t.sampled; i++) {
            if ((t.flags(i) & TrafficRecorder.KNOWN) != 0 && matches(rule, t.samples, i * F)) {
                known++;
            }
        }
        return Math.max(normal, known * scale) / expected;
    }

    static boolean matches(List<Condition> rule, long[] rows, int offset) {
        for (Condition c : rule) {
            if (!c.contains(rows[offset + c.dimension().ordinal()])) {
                return false;
            }
        }
        return true;
    }

    static List<Baseline.RowTest> rows(List<Condition> rule) {
        Baseline.RowTest[] tests = new Baseline.RowTest[rule.size()];
        for (int k = 0; k < tests.length; k++) {
            Condition c = rule.get(k);
            int d = c.dimension().ordinal();
            tests[k] = (data, offset) -> data[offset + d] == 0 || c.contains(data[offset + d]); // 0: unknown, counts as a match
        }
        return Arrays.asList(tests);
    }
}

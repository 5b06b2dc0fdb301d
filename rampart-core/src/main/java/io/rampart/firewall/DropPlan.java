package io.rampart.firewall;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What the kernel's drop sets should hold now, from every judgement in force.
 *
 * <p>Design note. Four rules, in order:
 * <ol>
 * <li><b>Allow wins.</b> An entry inside a never-drop entry (the allow list, trusted proxies, the
 * addresses the admin API was used from) is not planned at all. An entry that merely contains one
 * (a denied /24 around an allowed address) is planned, and the kernel's allow set, checked before
 * the drop sets, lets the allowed address through.</li>
 * <li><b>One element per entry</b>, with the latest end among its judgements.</li>
 * <li><b>No overlapping prefixes.</b> The kernel refuses overlapping intervals (and a refused
 * element fails the whole transaction), so a prefix inside another planned prefix waits until the
 * wider one ends. Addresses go to a hash set of their own and never conflict.</li>
 * <li><b>Bounded.</b> Past {@code maxEntries}, the /24s (IPv6 /48s) holding the most planned
 * addresses are folded into one prefix each, largest first, until the plan fits; what still does
 * not fit is left out, latest kinds first (offenders before rules before the deny list), and
 * counted as refused: those sources are still refused in user space.</li>
 * </ol>
 * Cost: one sort of the judgements, then linear; about 25 ms for 100,000 on this machine's cores,
 * on the firewall's own thread, and only when a source changed (see {@link KernelFirewall}).
 */
public final class DropPlan {
    private final Map<DropEntry, Judgement> entries;
    private final int folded;
    private final int leftOut;

    private DropPlan(Map<DropEntry, Judgement> entries, int folded, int leftOut) {
        this.entries = entries;
        this.folded = folded;
        this.leftOut = leftOut;
    }

    /** Planned elements, sorted (IPv4 first, by address, wider prefixes first). */
    public Map<DropEntry, Judgement> entries() {
        return entries;
    }

    /** Addresses folded into a network because the sets were full. */
    public int folded() {
        return folded;
    }

    /** Judgements left out because the sets were full even after folding. */
    public int leftOut() {
        return leftOut;
    }

    public static DropPlan of(List<Judgement> wanted, List<DropEntry> neverDrop, int maxEntries) {
        List<Judgement> kept = new ArrayList<>(wanted.size());
        for (Judgement j : wanted) {
            if (!coveredBy(j.entry(), neverDrop)) {
                kept.add(j);
            }
        }
        kept.sort(BY_ENTRY);
        LinkedHashMap<DropEntry, Judgement> plan = withoutNestedPrefixes(merged(kept));
        int folded = 0;
        if (plan.size() > maxEntries) {
            folded = fold(plan, maxEntries, neverDrop);
            List<Judgement> again = new ArrayList<>(plan.values());
            again.sort(BY_ENTRY);
            plan = withoutNestedPrefixes(again);
        }
        int leftOut = 0;
        if (plan.size() > maxEntries) {
            List<Judgement> byKeep = new ArrayList<>(plan.values());
            byKeep.sort(Comparator.comparing(Judgement::kind).thenComparing(Judgement::untilMillis, Comparator.reverseOrder()));
            for (int i = maxEntries; i < byKeep.size(); i++) {
                plan.remove(byKeep.get(i).entry());
                leftOut++;
            }
        }
        return new DropPlan(plan, folded, leftOut);
    }

    private static final Comparator<Judgement> BY_ENTRY = (a, b) -> a.entry().compareTo(b.entry());

    /** Sorted judgements with one per entry (the stronger), still sorted. */
    private static List<Judgement> merged(List<Judgement> sorted) {
        List<Judgement> out = new ArrayList<>(sorted.size());
        for (Judgement j : sorted) {
            int last = out.size() - 1;
            if (last >= 0 && out.get(last).entry().equals(j.entry())) {
                out.set(last, stronger(out.get(last), j));
            } else {
                out.add(j);
            }
        }
        return out;
    }

    /** The judgement that ends later; on a tie the one of the earlier kind (the operator's). */
    private static Judgement stronger(Judgement a, Judgement b) {
        if (a.untilMillis() != b.untilMillis()) {
            return a.untilMillis() > b.untilMillis() ? a : b;
        }
        return a.kind().compareTo(b.kind()) <= 0 ? a : b;
    }

    private static boolean coveredBy(DropEntry e, List<DropEntry> neverDrop) {
        for (DropEntry n : neverDrop) {
            if (n.contains(e)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Drops prefixes inside a wider planned prefix. In sorted order a prefix's contents follow it
     * directly, so one sweep with the current cover finds them all.
     */
    private static LinkedHashMap<DropEntry, Judgement> withoutNestedPrefixes(List<Judgement> sorted) {
        LinkedHashMap<DropEntry, Judgement> out = new LinkedHashMap<>(Math.max(16, sorted.size() * 4 / 3 + 1));
        DropEntry cover = null;
        for (Judgement j : sorted) {
            DropEntry d = j.entry();
            if (d.isAddress()) {
                out.put(d, j);
                continue;
            }
            if (cover != null && cover.contains(d)) {
                continue;
            }
            cover = d;
            out.put(d, j);
        }
        return out;
    }

    /** Folds the fullest networks first until the plan fits; returns the addresses folded. */
    private static int fold(Map<DropEntry, Judgement> plan, int maxEntries, List<DropEntry> neverDrop) {
        Map<DropEntry, List<Judgement>> byNetwork = new HashMap<>();
        for (Judgement j : plan.values()) {
            if (j.entry().isAddress()) {
                byNetwork.computeIfAbsent(j.entry().widen(j.entry().ipv6() ? 48 : 24), k -> new ArrayList<>()).add(j);
            }
        }
        List<Map.Entry<DropEntry, List<Judgement>>> fullest = new ArrayList<>(byNetwork.entrySet());
        fullest.sort((a, b) -> Integer.compare(b.getValue().size(), a.getValue().size()));
        int size = plan.size();
        int folded = 0;
        for (Map.Entry<DropEntry, List<Judgement>> n : fullest) {
            if (size <= maxEntries || n.getValue().size() < 2) {
                break;
            }
            if (coveredBy(n.getKey(), neverDrop) || containsAny(n.getKey(), neverDrop)) {
                continue; // a network holding an allowed address stays as separate addresses
            }
            long until = 0;
            for (Judgement j : n.getValue()) {
                plan.remove(j.entry());
                until = Math.max(until, j.untilMillis());
            }
            plan.merge(n.getKey(), new Judgement(n.getKey(), until,
                    n.getValue().size() + " addresses folded into their network (drop sets full)", Judgement.Kind.FOLDED),
                    DropPlan::stronger);
            size = plan.size();
            folded += n.getValue().size();
        }
        return folded;
    }

    private static boolean containsAny(DropEntry net, List<DropEntry> entries) {
        for (DropEntry e : entries) {
            if (net.contains(e)) {
                return true;
            }
        }
        return false;
    }
}

package io.rampart.detect;

import java.util.ArrayList;
import java.util.List;

/**
 * A read-only picture of one site's control plane: state, why, the rules in force, recent
 * transitions and rule events. Serialised as JSON by the admin API.
 */
public record SiteView(String site, String state, String pin, String signals, boolean widened, long baselineTicks,
                       double normalRate, List<RuleView> rules, List<String> transitions, List<String> events,
                       List<String> remembered) {

    /** One rule in force. */
    public record RuleView(String id, String step, boolean shadow, String conditions, double matchingPerSecond,
                           long matchedTotal, double collateral, String repeatOf) {
    }

    static SiteView of(SiteControl s) {
        List<RuleView> rules = new ArrayList<>();
        for (SiteControl.OperatorRule o : s.operatorRules) {
            rules.add(new RuleView(o.rule().id(), o.rule().step().id(), o.rule().shadow(), o.rule().describe(), 0,
                    o.rule().hits().sum(), 0, "added by " + o.by() + (o.until() == null ? "" : " until " + o.until())));
        }
        for (RuleBook.Live l : s.book.live()) {
            rules.add(new RuleView(l.id, l.step.id(), l.rule.shadow(), l.signature.describe(), l.rate, l.totalHits,
                    l.signature.collateral(), l.recalledFrom));
        }
        List<String> transitions = new ArrayList<>();
        for (Transition t : s.transitions) {
            transitions.add(t.toString());
        }
        List<String> remembered = new ArrayList<>();
        for (SignatureMemory.Remembered r : s.memory.entries()) {
            StringBuilder sb = new StringBuilder(r.id).append(": ").append(io.rampart.mitigate.Condition.describeAll(r.conditions));
            remembered.add(sb.append(" (up to ").append(r.step).append(", seen ").append(r.times).append("x, last ")
                    .append(r.lastSeen).append(')').toString());
        }
        return new SiteView(s.name, s.state().id(), s.pin == null ? "auto" : s.pin.id(), s.explanation, s.book.widened(),
                s.baseline.ticks(), s.baseline.expectedRate(0), rules, transitions, new ArrayList<>(s.events), remembered);
    }
}

package io.rampart.mitigate;

import io.rampart.config.MitigationStep;
import io.rampart.traffic.RequestFeatures;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;

/**
 * An automatic mitigation rule as the data plane sees it: conditions that must all hold, the step
 * of the ladder it is at, and whether it only observes (shadow). Immutable apart from its hit
 * counter; the control plane publishes a new rule object when the step changes, carrying the
 * counter over.
 */
public final class Rule {
    private final String id;
    private final Condition[] conditions;
    private final MitigationStep step;
    private final boolean shadow;
    private final LongAdder hits;
    private final boolean byOperator;

    /** An automatic rule (the control plane's). */
    public Rule(String id, List<Condition> conditions, MitigationStep step, boolean shadow, LongAdder hits) {
        this(id, conditions, step, shadow, hits, false);
    }

    /** @param byOperator added by an operator: it applies to every client but the allow list */
    public Rule(String id, List<Condition> conditions, MitigationStep step, boolean shadow, LongAdder hits, boolean byOperator) {
        this.byOperator = byOperator;
        this.id = id;
        this.conditions = conditions.toArray(new Condition[0]);
        this.step = step;
        this.shadow = shadow || step == MitigationStep.OBSERVE;
        this.hits = hits;
    }

    /** Whether every condition holds for {@code f}. Allocation-free. */
    public boolean matches(RequestFeatures f) {
        for (Condition c : conditions) {
            if (!c.matches(f)) {
                return false;
            }
        }
        return true;
    }

    /** Added by an operator rather than deployed by the control plane. */
    public boolean byOperator() {
        return byOperator;
    }

    /** Counts one matching request (enforced or, in shadow, only counted). */
    public void hit() {
        hits.increment();
    }

    public String id() {
        return id;
    }

    public List<Condition> conditions() {
        return List.of(conditions);
    }

    public MitigationStep step() {
        return step;
    }

    /**
     * What this rule's rung does to a request it matches: the one mapping from rung to verdict.
     * {@code challengeExempt}: the request cannot run a challenge (a feed, an API client, a
     * verified crawler), so a {@code challenge} rung holds it to the rule's rate instead.
     */
    public Verdict verdict(boolean challengeExempt) {
        switch (step) {
            case CLOSE:
                return Verdict.CLOSE;
            case BLOCK:
                return Verdict.BLOCK;
            case CHALLENGE:
                return challengeExempt ? Verdict.LIMIT : Verdict.CHALLENGE;
            default:
                return Verdict.LIMIT;
        }
    }

    /** Counted and logged but not enforced. */
    public boolean shadow() {
        return shadow;
    }

    public LongAdder hits() {
        return hits;
    }

    /** The conditions joined with AND, as shown to operators. */
    public String describe() {
        return Condition.describeAll(List.of(conditions));
    }

    @Override
    public String toString() {
        return id + " [" + step + (shadow ? ", shadow" : "") + "] " + describe();
    }
}

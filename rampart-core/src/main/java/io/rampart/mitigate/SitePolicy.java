package io.rampart.mitigate;

import io.rampart.traffic.RequestFeatures;
import java.util.List;

/**
 * What the control plane decided for one site, as of its last tick: the automatic rules in force
 * and whether every unknown client is to be challenged. Immutable; replaced whole.
 */
public final class SitePolicy {
    /** No rules, no widened protection: what a site has before the control plane's first tick. */
    public static final SitePolicy QUIET = new SitePolicy(List.of(), false, "normal");

    private final Rule[] rules;
    private final boolean challengeUnknown;
    private final String state;

    public SitePolicy(List<Rule> rules, boolean challengeUnknown, String state) {
        this.rules = rules.toArray(new Rule[0]);
        this.challengeUnknown = challengeUnknown;
        this.state = state;
    }

    /** Which rules apply to a client: every one (an anonymous client). */
    public static final int EVERY_RULE = 0;
    /**
     * A client that passed the challenge (a clearance): operator rules, and automatic rules that
     * limit, block or close; a {@code challenge} rung it has already paid.
     */
    public static final int PAST_THE_CHALLENGE = 1;
    /** A client whose identity is vouched for (a signed user token, a verified crawler): operator rules only. */
    public static final int OPERATOR_RULES = 2;

    /**
     * The first enforced rule {@code f} matches, or {@code null}. Shadow rules that match are
     * counted on the way. Allocation-free.
     */
    public Rule match(RequestFeatures f) {
        return match(f, EVERY_RULE);
    }

    /**
     * The first enforced rule that applies to a client of this {@code scope} ({@link #EVERY_RULE},
     * {@link #PAST_THE_CHALLENGE}, {@link #OPERATOR_RULES}) and that {@code f} matches, or
     * {@code null}. Allocation-free.
     */
    public Rule match(RequestFeatures f, int scope) {
        Rule[] rs = rules;
        for (Rule r : rs) {
            if (scope != EVERY_RULE && !r.byOperator()
                    && (scope == OPERATOR_RULES || r.step() == io.rampart.config.MitigationStep.CHALLENGE)) {
                continue;
            }
            if (r.matches(f)) {
                r.hit();
                if (!r.shadow()) {
                    return r;
                }
            }
        }
        return null;
    }

    public boolean hasRules() {
        return rules.length > 0;
    }

    public List<Rule> rules() {
        return List.of(rules);
    }

    /** The automatic under-attack mode: every unknown client of the site is challenged. */
    public boolean challengeUnknown() {
        return challengeUnknown;
    }

    /** The detector's state for the site ({@code normal}, {@code attack}, {@code flash-crowd}...). */
    public String state() {
        return state;
    }
}

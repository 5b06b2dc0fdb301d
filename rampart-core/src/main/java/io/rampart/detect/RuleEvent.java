package io.rampart.detect;

/**
 * Something the control plane did about a site's protection, typed for whoever acts on it
 * (incidents mark the mitigation and alert on escalations from {@link #kind}) and worded for
 * people ({@link #text}, written to logs and timelines as it is).
 */
public record RuleEvent(Kind kind, String text) {
    /** What happened. */
    public enum Kind {
        /** A rule was deployed and is enforced. */
        DEPLOYED,
        /** A rule was deployed in shadow (counted and logged, not enforced). */
        DEPLOYED_IN_SHADOW,
        /** A rule climbed the ladder. */
        ESCALATED,
        /** A rule stepped down the ladder. */
        STEPPED_DOWN,
        /** A rule lapsed (no match for its time to live, or an operator rule's time ran out). */
        EXPIRED,
        /** Every unknown client of the site is challenged. */
        WIDENED,
        /** Widened protection ended. */
        NARROWED,
        /** A rule was put in shadow by the operator, or enforced again. */
        SHADOW,
        /** {@code detection.shadow} was switched: every automatic rule is counted only, or enforced again. */
        DETECTION_SHADOW,
        /** The signature search found a candidate but refused it (it would hit real users). */
        REFUSED,
        /** An operator added or removed a rule. */
        OPERATOR
    }

    /** A rule now stops traffic that was reaching the origin. */
    public boolean mitigates() {
        return kind == Kind.DEPLOYED;
    }

    /** Protection went up a rung: worth an alert. */
    public boolean escalates() {
        return kind == Kind.ESCALATED || kind == Kind.WIDENED;
    }

    /** The timeline's category: {@code rule} for what one rule did, {@code protection} for the site as a whole. */
    public String category() {
        switch (kind) {
            case WIDENED:
            case NARROWED:
            case REFUSED:
            case DETECTION_SHADOW:
                return "protection";
            default:
                return "rule";
        }
    }
}

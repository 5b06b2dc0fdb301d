package io.rampart.mitigate;

/**
 * Why a verdict was reached: the rule or counter behind it. Stable ids for logs and metrics, and
 * the sentence that explains each to an operator (the admin API's reference look-up).
 */
public enum Reason {
    NONE("-", null),
    ALLOW_LIST("allow-list", "the client is on the allow list"),
    DENY_LIST("deny-list", "the client is on the deny list"),
    CLIENT_RATE("rate.client", "the client went over its per-client rate limit"),
    PREFIX_RATE("rate.prefix", "the client's network went over its per-prefix rate limit"),
    UNDER_ATTACK("under-attack", "the site's under-attack switch asks every unknown client for a challenge"),
    /** A rule of the control plane, automatic or the operator's (its id is in {@link Decision#rule()}). */
    RULE("rule", "the request matched rule %s"),
    ADMISSION("admission", "the origin had no free slot (admission control)");

    private final String id;
    private final String explanation;

    Reason(String id, String explanation) {
        this.id = id;
        this.explanation = explanation;
    }

    public String id() {
        return id;
    }

    /** The reason with this {@link #id}, or null. */
    public static Reason byId(String id) {
        for (Reason r : values()) {
            if (r.id.equals(id)) {
                return r;
            }
        }
        return null;
    }

    /** A sentence for an operator; {@code rule} is the rule's id for {@link #RULE}. Null for {@link #NONE}. */
    public String explain(String rule) {
        return explanation == null ? null : this == RULE ? String.format(explanation, rule) : explanation;
    }
}

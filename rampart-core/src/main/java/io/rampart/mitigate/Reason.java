package io.rampart.mitigate;

/** Why a verdict was reached: the rule or counter behind it. Stable ids for logs and metrics. */
public enum Reason {
    NONE("-"),
    ALLOW_LIST("allow-list"),
    DENY_LIST("deny-list"),
    CLIENT_RATE("rate.client"),
    PREFIX_RATE("rate.prefix"),
    UNDER_ATTACK("under-attack"),
    /** An automatic rule of the control plane (its id is in {@link Decision#rule()}). */
    RULE("rule"),
    ADMISSION("admission");

    private final String id;

    Reason(String id) {
        this.id = id;
    }

    public String id() {
        return id;
    }
}

package io.rampart.cluster;

import java.util.Map;
import java.util.TreeMap;

/**
 * One decision as it travels between nodes.
 *
 * @param kind      what was decided
 * @param site      the site it is for, or "" for the whole gateway (list entries)
 * @param args      the decision's particulars (a CIDR, a rule's match and step, an id…), as text
 * @param endMillis when it ends, epoch milliseconds; 0 for never (until removed). Replaying a decision
 *                  whose end has passed does nothing.
 * @param by        who took it ({@code operator}, the admin identity, or {@code detection})
 * @param node      the node that took it
 */
public record SharedDecision(Kind kind, String site, Map<String, String> args, long endMillis, String by, String node) {
    public enum Kind {
        /** args: list (allow|deny), cidr, note */
        LIST_ADD,
        /** args: list, cidr */
        LIST_REMOVE,
        /** args: id, step, match.* (the operator's match keys) */
        RULE_ADD,
        /** args: id */
        RULE_REMOVE,
        /** args: id, on (true|false) */
        RULE_SHADOW,
        /** args: step (a rung, or "auto") */
        PIN,
        /** args: on */
        UNDER_ATTACK,
        /** args: key (the feature key's check), first, highest, cond.N (dimension|value,value|text\u0001text) */
        AUTO_RULE,
        /** args: nonce (a redeemed challenge or pass: spent on every node) */
        SPENT
    }

    public SharedDecision {
        site = site == null ? "" : site;
        args = Map.copyOf(new TreeMap<>(args));
        by = by == null ? "" : by;
        node = node == null ? "" : node;
    }

    /** Whether the decision has ended by {@code nowMillis}. */
    public boolean endedBy(long nowMillis) {
        return endMillis > 0 && endMillis <= nowMillis;
    }

    public String arg(String name) {
        return args.get(name);
    }
}

package io.rampart.firewall;

/**
 * Why a source should be dropped and until when: one deny-list entry, one rule's source, one
 * repeat offender.
 *
 * @param entry       the address or prefix
 * @param untilMillis wall-clock end of the decision; {@link #FOREVER} for an entry without one (a
 *                    deny-list entry), which the kernel holds for {@code firewall.permanentTimeout} at
 *                    a time, renewed while the decision lasts
 * @param reason      for people: {@code deny list}, {@code rule www-3 (close)}, {@code closed 5 times in 30s}
 * @param kind        which source it came from; the earlier kinds are kept first when the sets are full
 */
public record Judgement(DropEntry entry, long untilMillis, String reason, Kind kind) {
    public static final long FOREVER = Long.MAX_VALUE;

    /** Where a judgement comes from, in the order they are kept when the sets are full. */
    public enum Kind {
        /** The operator's deny list (configuration or API). */
        DENY_LIST("deny-list"),
        /** A rule at {@code block} or {@code close} whose match is its source alone. */
        RULE("rule"),
        /** A client that kept earning {@code close}. */
        OFFENDER("offender"),
        /** Addresses folded into their network because the sets were full. */
        FOLDED("folded");

        private final String id;

        Kind(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    public boolean permanent() {
        return untilMillis == FOREVER;
    }
}

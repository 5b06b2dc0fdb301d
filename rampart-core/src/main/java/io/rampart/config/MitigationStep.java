package io.rampart.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The rungs of the mitigation ladder, cheapest first. Automatic rules climb it while an attack
 * goes on through them and step down it as the attack fades; an operator can pin a site to one.
 */
public enum MitigationStep {
    /** Rules are counted and logged, never enforced (shadow mode). */
    OBSERVE,
    /** Each client matching the rule is held to a low rate ({@code 429} beyond it). */
    LIMIT,
    /** Matching clients must pass the proof-of-work challenge (feeds and APIs: limited instead). */
    CHALLENGE,
    /** Matching requests get {@code 403}. */
    BLOCK,
    /** Matching requests get no answer: the connection is closed. */
    CLOSE,
    /** The whole site challenges every unknown client (the under-attack mode). */
    UNDER_ATTACK;

    private final String id = name().toLowerCase(Locale.ROOT).replace('_', '-');

    public String id() {
        return id;
    }

    /** The next rung up for a rule (never past {@code CLOSE}). */
    public MitigationStep up() {
        return this == CLOSE || this == UNDER_ATTACK ? this : values()[ordinal() + 1];
    }

    /** The next rung down for a rule (never below {@code LIMIT}). */
    public MitigationStep down() {
        return this.ordinal() <= LIMIT.ordinal() ? this : values()[ordinal() - 1];
    }

    @JsonCreator
    public static MitigationStep parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        if ("auto".equals(t)) {
            return null; // a site's pin: the control plane decides
        }
        for (MitigationStep s : values()) {
            if (s.id.equals(t)) {
                return s;
            }
        }
        throw new IllegalArgumentException("expected one of "
                + Arrays.stream(values()).map(MitigationStep::id).collect(Collectors.joining(", ")) + " (or auto), got '" + text + "'");
    }

    @JsonValue
    @Override
    public String toString() {
        return id;
    }
}

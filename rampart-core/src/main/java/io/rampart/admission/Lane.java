package io.rampart.admission;

import java.util.Locale;

/** Priority of a request for origin capacity, highest first. */
public enum Lane {
    /** Holds a clearance, a configured user proof, or is allow-listed: served first, with a reserved share. */
    KNOWN,
    /** Everyone else. */
    UNKNOWN,
    /** Close to its rate limit: served last, and never more than a capped share. */
    SUSPECT;

    private final String label = name().toLowerCase(Locale.ROOT);

    public String label() {
        return label;
    }
}

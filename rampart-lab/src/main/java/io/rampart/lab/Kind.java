package io.rampart.lab;

import java.util.Locale;

/**
 * Who sent a request, as the lab knows it. The generator puts the kind in the {@value #HEADER}
 * header so the origin can count what reached it; gateways pass the header through untouched, and
 * Rampart never reads it.
 */
public enum Kind {
    VISITOR(true), STAFF(true), OFFICE(true), FEED(true), API(true), FLOODER(false), SLOW(false);

    /** The marker header the generator adds and the origin counts by. */
    public static final String HEADER = "x-lab-kind";

    private static final Kind[] VALUES = values();
    private final boolean legitimate;
    private final String label;

    Kind(boolean legitimate) {
        this.legitimate = legitimate;
        this.label = name().toLowerCase(Locale.ROOT);
    }

    public boolean legitimate() {
        return legitimate;
    }

    /** The lower-case name used in the header, in scenario files and in results. */
    public String label() {
        return label;
    }

    /** The kind for a header value, or null when absent or unknown. */
    public static Kind ofLabel(CharSequence value) {
        if (value == null) {
            return null;
        }
        for (Kind k : VALUES) {
            if (k.label.contentEquals(value)) {
                return k;
            }
        }
        return null;
    }

    public static int count() {
        return VALUES.length;
    }
}

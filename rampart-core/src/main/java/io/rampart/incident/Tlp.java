package io.rampart.incident;

import java.util.Locale;

/**
 * The Traffic Light Protocol, version 2.0 (FIRST, 2022): how far a recipient may share a report.
 * Each level has its STIX 2.1 marking definition (the ids OASIS published with the TLP 2.0
 * extension, {@code extension-definition--60a3c5c5-…}) and the colours FIRST prescribes for the
 * label (coloured text on black).
 */
public enum Tlp {
    CLEAR("TLP:CLEAR", "clear", "94868c89-83c2-464b-929b-a1a8aa3c8487", "#FFFFFF",
            "Recipients may share this report without restriction."),
    GREEN("TLP:GREEN", "green", "bab4a63c-aed9-4cf5-a766-dfca5abac2bb", "#33FF00",
            "Recipients may share this report within their community, not publicly."),
    AMBER("TLP:AMBER", "amber", "55d920b0-5e8b-4f79-9ee9-91f868d9b421", "#FFC000",
            "Recipients may share this report on a need-to-know basis within their organisation and with its clients."),
    AMBER_STRICT("TLP:AMBER+STRICT", "amber+strict", "939a9414-2ddd-4d32-a0cd-375ea402b003", "#FFC000",
            "Recipients may share this report on a need-to-know basis within their organisation only."),
    RED("TLP:RED", "red", "e828b379-4e03-4974-9ac4-e53a884c97c1", "#FF2B2B",
            "For the eyes and ears of the individual recipients only; no further disclosure.");

    /** The TLP 2.0 STIX extension's definition id. */
    public static final String STIX_EXTENSION = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d";

    private final String label;
    private final String stixValue;
    private final String markingUuid;
    private final String colour;
    private final String meaning;

    Tlp(String label, String stixValue, String markingUuid, String colour, String meaning) {
        this.label = label;
        this.stixValue = stixValue;
        this.markingUuid = markingUuid;
        this.colour = colour;
        this.meaning = meaning;
    }

    /** {@code TLP:AMBER}. */
    public String label() {
        return label;
    }

    /** The extension's {@code tlp_2_0} value: {@code amber}. */
    public String stixValue() {
        return stixValue;
    }

    /** {@code marking-definition--…}. */
    public String markingId() {
        return "marking-definition--" + markingUuid;
    }

    /** The label's colour (on black). */
    public String colour() {
        return colour;
    }

    /** What a recipient may do with it, in one sentence. */
    public String meaning() {
        return meaning;
    }

    /**
     * {@code AMBER}, {@code amber+strict}, {@code TLP:GREEN}…
     *
     * @throws IllegalArgumentException for anything else (TLP 1.0's WHITE included: TLP 2.0 renamed it CLEAR)
     */
    public static Tlp parse(String text) {
        String t = text == null ? "" : text.trim().toUpperCase(Locale.ROOT);
        if (t.startsWith("TLP:")) {
            t = t.substring(4);
        }
        for (Tlp v : values()) {
            if (v.label.substring(4).equals(t)) {
                return v;
            }
        }
        throw new IllegalArgumentException("expected CLEAR, GREEN, AMBER, AMBER+STRICT or RED (TLP 2.0), got '" + text + "'"
                + ("WHITE".equals(t) ? ": TLP 2.0 calls it CLEAR" : ""));
    }
}

package io.rampart.incident;

import io.rampart.config.ReporterConfig;

/**
 * Who a report comes from and how it is marked ({@code incidents.reporter}).
 *
 * @param organisation null when not configured (reports then name the Rampart node only)
 * @param contact      null when not configured
 * @param email        null when not configured
 * @param reference    the prefix of report references, null when not configured
 * @param tlp          the marking of every report and bundle
 */
public record Reporter(String organisation, String contact, String email, String reference, Tlp tlp) {
    /** No organisation configured, TLP:AMBER. */
    public static final Reporter NONE = new Reporter(null, null, null, null, Tlp.AMBER);

    public static Reporter of(ReporterConfig c) {
        return c == null ? NONE : new Reporter(blank(c.organisation()), blank(c.contact()), blank(c.email()), blank(c.reference()),
                Tlp.parse(c.tlp()));
    }

    /** The report's reference: {@code PREFIX-INCIDENT} or the incident id. */
    public String referenceOf(String incidentId) {
        return reference == null ? incidentId : reference + "-" + incidentId;
    }

    private static String blank(String s) {
        return s == null || s.isBlank() ? null : s.trim();
    }
}

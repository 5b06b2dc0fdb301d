package io.rampart.config;

/**
 * Who reports incidents and how reports are marked: the organisation, a contact a CERT can call
 * back, the organisation's own reference for its reports, and the Traffic Light Protocol (FIRST
 * TLP 2.0) marking every report and STIX bundle carries.
 *
 * @param organisation the reporting organisation's name, as a CERT knows it
 * @param contact      how to reach the duty officer (a name, a phone number); shown in reports
 *                     and on the pages refused visitors see
 * @param email        the reply address for reports
 * @param reference    the organisation's prefix for report references ({@code ACME-DDOS}); a
 *                     report's reference is this prefix and the incident id
 * @param tlp          {@code CLEAR}, {@code GREEN}, {@code AMBER} (the default), {@code AMBER+STRICT}
 *                     or {@code RED}
 */
public record ReporterConfig(String organisation, String contact, String email, String reference, String tlp) {
    public static final ReporterConfig DEFAULT = new ReporterConfig(null, null, null, null, null);

    public ReporterConfig {
        tlp = tlp == null ? "AMBER" : tlp;
    }
}

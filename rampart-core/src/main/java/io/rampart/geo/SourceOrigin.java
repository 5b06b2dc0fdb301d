package io.rampart.geo;

/**
 * What the geo databases say about one address; each part null when no database knows it.
 *
 * @param asn            the autonomous system number
 * @param asOrganization the autonomous system's registered name
 * @param country        the ISO 3166-1 alpha-2 country code
 */
public record SourceOrigin(Long asn, String asOrganization, String country) {
    public static final SourceOrigin UNKNOWN = new SourceOrigin(null, null, null);

    /** {@code AS64500 Example Hosting}, or null when the AS is unknown. */
    public String asLabel() {
        if (asn == null) {
            return null;
        }
        return asOrganization == null || asOrganization.isBlank() ? "AS" + asn : "AS" + asn + " " + asOrganization;
    }
}

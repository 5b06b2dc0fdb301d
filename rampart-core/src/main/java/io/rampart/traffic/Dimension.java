package io.rampart.traffic;

/**
 * The dimensions a request is recorded along, and that a mitigation rule may match on. The order
 * is the field order of a recorded sample (see {@link TrafficRecorder}) and is persisted with
 * baselines: append, never reorder.
 */
public enum Dimension {
    /** The exact client address. */
    CLIENT("client"),
    /** The client's network: /24 for IPv4, /64 for IPv6. */
    NETWORK("network"),
    /** The wider network: /16 for IPv4, /48 for IPv6. */
    WIDE_NETWORK("wide-network"),
    /** The {@code User-Agent} header, exactly. */
    USER_AGENT("user-agent"),
    /** Header names in order, the {@code Accept*} values and the HTTP version (see {@link RequestFeatures}). */
    FINGERPRINT("fingerprint"),
    /** The path without its query, runs of digits folded to one {@code #}. */
    PATH("path"),
    /** The query's parameter names in order and the kind of each value (empty, number, word, random-looking). */
    QUERY("query"),
    /** The request method. */
    METHOD("method"),
    /** The TLS ClientHello's JA4 fingerprint ({@code t13d1516h2_8daaf6152771_e5627efa2ab1}); empty without TLS. */
    TLS("tls"),
    /** The HTTP/2 connection's fingerprint (SETTINGS, WINDOW_UPDATE, PRIORITY, pseudo-header order); empty without HTTP/2. */
    H2("h2"),
    /** The client's autonomous system ({@code AS64500}); empty without geo databases ({@code incidents.geoDatabases}). */
    ASN("asn"),
    /** The client's country (ISO 3166-1 alpha-2); empty without geo databases. */
    COUNTRY("country");

    /** Number of dimensions. */
    public static final int COUNT = values().length;
    private static final Dimension[] ALL = values();

    private final String id;

    Dimension(String id) {
        this.id = id;
    }

    /** Stable lower-case id used in rules, logs and the admin API. */
    public String id() {
        return id;
    }

    public static Dimension of(int ordinal) {
        return ALL[ordinal];
    }

    /** The dimension with this id, or {@code null}. */
    public static Dimension byId(String id) {
        for (Dimension d : ALL) {
            if (d.id.equals(id)) {
                return d;
            }
        }
        return null;
    }
}

package io.rampart.traffic;

/**
 * What a connection showed before its first request: the TLS ClientHello's JA4 fingerprint and
 * the HTTP/2 connection fingerprint (SETTINGS in order, the connection WINDOW_UPDATE, PRIORITY
 * frames, pseudo-header order). Written once on the connection's event loop as the handshake and
 * preface are read; every request of the connection (every stream, for HTTP/2) reads them. Their
 * keyed hashes are computed once, at the first request.
 */
public final class ConnectionPrints {
    private String ja4 = "";
    private String h2 = "";
    private long ja4Hash;
    private long h2Hash;
    private FeatureHasher hashedWith;

    public String ja4() {
        return ja4;
    }

    public String h2() {
        return h2;
    }

    public void ja4(String value) {
        this.ja4 = value == null ? "" : value;
        this.hashedWith = null;
    }

    public void h2(String value) {
        this.h2 = value == null ? "" : value;
        this.hashedWith = null;
    }

    long ja4Hash(FeatureHasher hasher) {
        hashes(hasher);
        return ja4Hash;
    }

    long h2Hash(FeatureHasher hasher) {
        hashes(hasher);
        return h2Hash;
    }

    private void hashes(FeatureHasher hasher) {
        if (hashedWith != hasher) {
            ja4Hash = hasher.hash(ja4);
            h2Hash = hasher.hash(h2);
            hashedWith = hasher;
        }
    }

    /** No TLS, no HTTP/2: both fingerprints empty. */
    public static final ConnectionPrints PLAIN = new ConnectionPrints();
}

package io.rampart.testing;

import java.nio.file.Path;
import java.util.List;

/**
 * Small MaxMind-format databases for tests, written by Debian's libmaxmind-db-writer-perl (script
 * {@code geo/make-mmdb.pl}) in the record shapes of GeoLite2 ASN, GeoLite2 Country and IPinfo Lite.
 * Their networks: 127.31.0.0/16 is AS64500 "Botnet Hosting Ltd" in ZZ, 127.32.0.0/16 AS64501
 * "Other Net" in XA, 127.33.0.0/16 only a country (XB).
 */
public final class GeoDatabases {
    private GeoDatabases() {
    }

    /** Writes the database of {@code kind} ({@code asn}, {@code country} or {@code ipinfo}) into {@code dir}. */
    public static Path make(Path dir, String kind) throws Exception {
        Path script = dir.resolve("make-mmdb.pl"); // copied out: the resource may sit inside the test jar
        try (java.io.InputStream in = GeoDatabases.class.getResourceAsStream("/geo/make-mmdb.pl")) {
            java.nio.file.Files.copy(in, script, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
        }
        Path out = dir.resolve(kind + ".mmdb");
        TestCertificates.Result r = TestCertificates.run(dir, "/usr/bin/perl", script.toString(), kind, out.toString());
        if (r.exit() != 0) {
            throw new IllegalStateException("make-mmdb.pl " + kind + " failed (is libmaxmind-db-writer-perl installed? bin/test installs it): " + r.out());
        }
        return out;
    }

    /** All three, in the order a configuration would list them. */
    public static List<String> all(Path dir) throws Exception {
        return List.of(make(dir, "asn").toString(), make(dir, "country").toString(), make(dir, "ipinfo").toString());
    }
}

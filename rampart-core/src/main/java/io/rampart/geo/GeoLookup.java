package io.rampart.geo;

import com.maxmind.db.Reader;
import java.io.Closeable;
import java.io.File;
import java.io.IOException;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Autonomous system and country of an address, from one or more MaxMind-format ({@code .mmdb})
 * databases consulted in order; the first that knows a part supplies it. Understands the record
 * shapes of the common free databases: GeoLite2/DB-IP ({@code autonomous_system_number},
 * {@code autonomous_system_organization}, {@code country.iso_code}) and IPinfo Lite ({@code asn}
 * as {@code "AS64500"}, {@code as_name}, {@code country_code}).
 *
 * <p>Thread-safe (the reader maps the file read-only); a lookup costs a few microseconds, made on
 * the request path at most once per client address and connection.
 */
public final class GeoLookup implements Closeable {
    private static final Logger LOG = LoggerFactory.getLogger(GeoLookup.class);
    public static final GeoLookup NONE = new GeoLookup(List.of());

    private final List<Reader> readers;

    private GeoLookup(List<Reader> readers) {
        this.readers = readers;
    }

    /**
     * Opens the databases.
     *
     * @throws IllegalArgumentException naming the file that is missing or not a MaxMind database
     */
    public static GeoLookup open(List<String> paths) {
        if (paths == null || paths.isEmpty()) {
            return NONE;
        }
        List<Reader> readers = new ArrayList<>();
        for (String p : paths) {
            try {
                readers.add(new Reader(new File(p)));
            } catch (IOException | RuntimeException e) {
                for (Reader r : readers) {
                    closeQuietly(r);
                }
                throw new IllegalArgumentException(p + ": not a readable MaxMind database (" + e.getMessage() + ")", e);
            }
        }
        return new GeoLookup(List.copyOf(readers));
    }

    /** Why {@code path} cannot be used as a geo database, or null when it can. */
    public static String problem(String path) {
        try (Reader r = new Reader(new File(path))) {
            r.getMetadata();
            return null;
        } catch (IOException | RuntimeException e) {
            return "not a readable MaxMind database (" + e.getMessage() + ")";
        }
    }

    public boolean enabled() {
        return !readers.isEmpty();
    }

    /** What the databases say about {@code address}; {@link SourceOrigin#UNKNOWN} when nothing. */
    public SourceOrigin lookup(InetAddress address) {
        if (readers.isEmpty() || address == null) {
            return SourceOrigin.UNKNOWN;
        }
        Long asn = null;
        String org = null;
        String country = null;
        for (Reader r : readers) {
            Map<?, ?> m;
            try {
                m = r.get(address, Map.class);
            } catch (IOException | RuntimeException e) {
                LOG.debug("geo lookup of {} failed: {}", address, e.toString());
                continue;
            }
            if (m == null) {
                continue;
            }
            if (asn == null) {
                asn = asn(m);
                if (asn != null) {
                    org = text(m, "autonomous_system_organization", "as_name"); // the name from the same record
                }
            }
            if (country == null) {
                country = country(m);
            }
        }
        return asn == null && country == null ? SourceOrigin.UNKNOWN : new SourceOrigin(asn, org, country);
    }

    private static Long asn(Map<?, ?> m) {
        Object v = m.get("autonomous_system_number");
        if (v == null) {
            v = m.get("asn");
        }
        if (v instanceof Number) {
            return ((Number) v).longValue();
        }
        if (v instanceof String) {
            String s = ((String) v).trim();
            if (s.regionMatches(true, 0, "AS", 0, 2)) {
                s = s.substring(2);
            }
            try {
                return Long.parseLong(s);
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }

    private static String country(Map<?, ?> m) {
        for (String key : new String[] {"country", "registered_country"}) {
            Object v = m.get(key);
            if (v instanceof Map) {
                Object iso = ((Map<?, ?>) v).get("iso_code");
                if (iso instanceof String) {
                    return (String) iso;
                }
            } else if (v instanceof String && ((String) v).length() == 2) {
                return (String) v;
            }
        }
        Object code = m.get("country_code");
        return code instanceof String ? (String) code : null;
    }

    private static String text(Map<?, ?> m, String key, String otherKey) {
        Object v = m.get(key);
        if (v == null) {
            v = m.get(otherKey);
        }
        return v instanceof String ? (String) v : null;
    }

    @Override
    public void close() {
        for (Reader r : readers) {
            closeQuietly(r);
        }
    }

    private static void closeQuietly(Reader r) {
        try {
            r.close();
        } catch (IOException e) {
            LOG.debug("closing a geo database: {}", e.toString());
        }
    }
}

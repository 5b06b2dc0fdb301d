package io.rampart.traffic;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.util.AsciiString;
import io.rampart.geo.GeoLookup;
import io.rampart.geo.SourceOrigin;
import java.util.Iterator;
import java.util.Map;

/**
 * One request's value along every {@link Dimension}, as keyed 64-bit hashes. One instance per
 * connection, refilled for each request; the data plane matches rules against it and the recorder
 * samples it.
 *
 * <p>The fingerprint hashes the header names in the order the client sent them (lower-cased), the
 * values of {@code Accept}, {@code Accept-Language} and {@code Accept-Encoding}, and the HTTP
 * version: browsers, libraries and bots differ there even when they copy a browser's user agent.
 * The path is folded (runs of digits become one {@code #}) so that {@code /article/17} and
 * {@code /article/42} count as one page shape. The query keeps parameter names and the kind of each
 * value, so a cache-busting flood ({@code ?q=x7f3k9q2}) stands apart from real searches.
 */
public final class RequestFeatures {
    /** A random-looking value: at least this long, with both letters and digits. */
    private static final int RANDOM_MIN = 6;
    private static final long V4 = 4;
    private static final long V6 = 6;

    private final FeatureHasher hasher;
    final long[] values = new long[Dimension.COUNT];
    ClientAddress client;
    String target;
    String userAgent;
    HttpRequest request;
    ConnectionPrints prints = ConnectionPrints.PLAIN;
    private GeoLookup geo = GeoLookup.NONE;
    private final long none;
    private ClientAddress geoClient;
    private long asn;
    private long country;

    public RequestFeatures(FeatureHasher hasher) {
        this.hasher = hasher;
        this.none = hasher.hash("");
        this.asn = none;
        this.country = none;
    }

    /**
     * Where the autonomous system and country of clients come from. Looked up once per client
     * address on this connection (a connection has one client, or a few behind a trusted proxy).
     */
    public RequestFeatures geo(GeoLookup lookup) {
        this.geo = lookup == null ? GeoLookup.NONE : lookup;
        this.geoClient = null;
        return this;
    }

    /** The connection's TLS and HTTP/2 fingerprints (set once per connection). */
    public RequestFeatures connection(ConnectionPrints p) {
        this.prints = p == null ? ConnectionPrints.PLAIN : p;
        return this;
    }

    /**
     * The {@link Dimension#CLIENT} value of {@code client}: a keyed hash of its address, stable
     * across restarts (the key is persisted with the detection state), never 0.
     */
    public static long clientId(FeatureHasher hasher, ClientAddress client) {
        return client.isIpv6() ? hasher.hash(client.hi() * 31 + client.lo() + V6) : hasher.hash(client.lo() * 31 + V4);
    }

    /** Computes every dimension of {@code req} from {@code client}; {@code target} is the origin-form target. */
    public RequestFeatures fill(ClientAddress client, HttpRequest req, String target) {
        this.client = client;
        this.target = target;
        this.request = req;
        HttpHeaders h = req.headers();
        this.userAgent = h.get(HttpHeaderNames.USER_AGENT);
        long[] v = values;
        v[Dimension.CLIENT.ordinal()] = clientId(hasher, client);
        if (client.isIpv6()) {
            v[Dimension.NETWORK.ordinal()] = hasher.hash(client.hi() * 31 + V6 * 64);
            v[Dimension.WIDE_NETWORK.ordinal()] = hasher.hash((client.hi() & 0xFFFFFFFFFFFF0000L) * 31 + V6 * 48);
        } else {
            long a = client.lo();
            v[Dimension.NETWORK.ordinal()] = hasher.hash((a & 0xFFFFFF00L) * 31 + V4 * 24);
            v[Dimension.WIDE_NETWORK.ordinal()] = hasher.hash((a & 0xFFFF0000L) * 31 + V4 * 16);
        }
        v[Dimension.USER_AGENT.ordinal()] = userAgent == null ? hasher.hash("") : hasher.hash(userAgent);
        v[Dimension.FINGERPRINT.ordinal()] = fingerprint(req);
        int q = target.indexOf('?');
        int pathEnd = q < 0 ? target.length() : q;
        v[Dimension.PATH.ordinal()] = pathShape(target, pathEnd);
        v[Dimension.QUERY.ordinal()] = queryShape(target, q);
        v[Dimension.METHOD.ordinal()] = hasher.hash(req.method().name());
        v[Dimension.TLS.ordinal()] = prints.ja4Hash(hasher);
        v[Dimension.H2.ordinal()] = prints.h2Hash(hasher);
        if (geo.enabled() && !client.equals(geoClient)) {
            SourceOrigin o = geo.lookup(client.inetAddress());
            geoClient = client;
            asn = o.asn() == null ? none : hasher.hash(asnKey(o.asn()));
            country = o.country() == null ? none : hasher.hash(o.country());
        }
        v[Dimension.ASN.ordinal()] = asn;
        v[Dimension.COUNTRY.ordinal()] = country;
        return this;
    }

    /** The value along {@code d}. */
    public long value(Dimension d) {
        return values[d.ordinal()];
    }

    public long value(int dimension) {
        return values[dimension];
    }

    public ClientAddress client() {
        return client;
    }

    private long fingerprint(HttpRequest req) {
        long f = hasher.start();
        f = FeatureHasher.step(f, req.protocolVersion().majorVersion() * 10 + req.protocolVersion().minorVersion());
        HttpHeaders h = req.headers();
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = h.iteratorCharSequence(); it.hasNext(); ) {
            CharSequence name = it.next().getKey();
            for (int i = 0; i < name.length(); i++) {
                f = FeatureHasher.step(f, AsciiString.toLowerCase(name.charAt(i)));
            }
            f = FeatureHasher.step(f, ',');
        }
        f = withValue(f, h.get(HttpHeaderNames.ACCEPT));
        f = withValue(f, h.get(HttpHeaderNames.ACCEPT_LANGUAGE));
        f = withValue(f, h.get(HttpHeaderNames.ACCEPT_ENCODING));
        return FeatureHasher.finish(f);
    }

    private static long withValue(long f, String value) {
        f = FeatureHasher.step(f, '|');
        if (value != null) {
            for (int i = 0; i < value.length(); i++) {
                f = FeatureHasher.step(f, value.charAt(i));
            }
        }
        return f;
    }

    private long pathShape(String t, int end) {
        long h = hasher.start();
        boolean inDigits = false;
        for (int i = 0; i < end; i++) {
            char c = t.charAt(i);
            boolean digit = c >= '0' && c <= '9';
            if (digit) {
                if (!inDigits) {
                    h = FeatureHasher.step(h, '#');
                }
            } else {
                h = FeatureHasher.step(h, c);
            }
            inDigits = digit;
        }
        return FeatureHasher.finish(h);
    }

    private long queryShape(String t, int q) {
        long h = hasher.start();
        if (q < 0) {
            return FeatureHasher.finish(h);
        }
        int i = q + 1;
        int n = t.length();
        while (i < n) {
            int amp = t.indexOf('&', i);
            int end = amp < 0 ? n : amp;
            int eq = t.indexOf('=', i);
            int nameEnd = eq < 0 || eq > end ? end : eq;
            for (int k = i; k < nameEnd; k++) {
                h = FeatureHasher.step(h, t.charAt(k));
            }
            h = FeatureHasher.step(h, '=');
            h = FeatureHasher.step(h, valueKind(t, nameEnd + 1, end));
            h = FeatureHasher.step(h, '&');
            i = end + 1;
        }
        return FeatureHasher.finish(h);
    }

    /** 'e' empty, 'n' number, 'r' random-looking (letters and digits mixed, long enough), 'w' words. */
    static char valueKind(String t, int from, int to) {
        if (from >= to) {
            return 'e';
        }
        boolean letters = false;
        boolean digits = false;
        boolean other = false;
        for (int k = from; k < to; k++) {
            char c = t.charAt(k);
            if (c >= '0' && c <= '9') {
                digits = true;
            } else if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z') {
                letters = true;
            } else {
                other = true;
            }
        }
        if (!letters) {
            return digits && !other ? 'n' : 'w';
        }
        return digits && !other && to - from >= RANDOM_MIN ? 'r' : 'w';
    }

    /**
     * Appends a header fingerprint ({@link Dimension#FINGERPRINT}) as the access log, the reference
     * lookup and operator rules write it: sixteen lower-case hex digits. Allocation-free.
     */
    public static void appendHeaderPrint(StringBuilder sb, long v) {
        for (int shift = 60; shift >= 0; shift -= 4) {
            sb.append(Character.forDigit((int) (v >>> shift) & 0xf, 16));
        }
    }

    /** What an autonomous system number is hashed as ({@code AS64500}), here and in operator rules. */
    public static String asnKey(long number) {
        return "AS" + number;
    }

    /** A readable form of a request's fingerprint, for rules and reports (allocates: call rarely). */
    static String describeFingerprint(HttpRequest req) {
        StringBuilder sb = new StringBuilder();
        sb.append(req.protocolVersion().text()).append(' ');
        boolean first = true;
        for (Iterator<Map.Entry<CharSequence, CharSequence>> it = req.headers().iteratorCharSequence(); it.hasNext(); ) {
            String name = AsciiString.of(it.next().getKey()).toLowerCase().toString();
            if (ADDED_BY_GATEWAY.contains(name)) {
                continue; // headers the gateway adds before forwarding, after the hash was taken
            }
            sb.append(first ? "" : ",").append(name);
            first = false;
        }
        HttpHeaders h = req.headers();
        sb.append(" accept=").append(h.get(HttpHeaderNames.ACCEPT, "-"));
        if (h.contains(HttpHeaderNames.ACCEPT_LANGUAGE)) {
            sb.append(" accept-language=").append(h.get(HttpHeaderNames.ACCEPT_LANGUAGE));
        }
        if (h.contains(HttpHeaderNames.ACCEPT_ENCODING)) {
            sb.append(" accept-encoding=").append(h.get(HttpHeaderNames.ACCEPT_ENCODING));
        }
        return sb.toString();
    }

    private static final java.util.Set<String> ADDED_BY_GATEWAY =
            java.util.Set.of("x-forwarded-for", "x-forwarded-proto", "x-forwarded-host", "forwarded", "via", "x-request-id");

    /** A readable form of one recorded request's value along {@code d} (allocates: call rarely). */
    static String describe(Dimension d, ClientAddress client, String target, String userAgent, ConnectionPrints prints) {
        switch (d) {
            case TLS:
                return prints == null ? "" : prints.ja4();
            case H2:
                return prints == null ? "" : prints.h2();
            case ASN:
            case COUNTRY:
                return ""; // named by the recorder's geo lookup (TrafficRecorder.Tick.describe)
            case CLIENT:
                return client.toString();
            case NETWORK:
                return Networks.describe(client, false);
            case WIDE_NETWORK:
                return Networks.describe(client, true);
            case USER_AGENT:
                return userAgent == null ? "" : userAgent;
            case PATH:
                return foldDigits(pathOf(target));
            case QUERY:
                return queryDescription(target);
            default:
                throw new IllegalArgumentException(d + " is described from the request head (TrafficRecorder.Tick)");
        }
    }

    static String pathOf(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    static String foldDigits(String path) {
        return path.replaceAll("[0-9]+", "#");
    }

    static String queryDescription(String target) {
        int q = target.indexOf('?');
        if (q < 0) {
            return "(none)";
        }
        StringBuilder sb = new StringBuilder();
        int i = q + 1;
        while (i < target.length()) {
            int amp = target.indexOf('&', i);
            int end = amp < 0 ? target.length() : amp;
            int eq = target.indexOf('=', i);
            int nameEnd = eq < 0 || eq > end ? end : eq;
            char kind = valueKind(target, nameEnd + 1, end);
            sb.append(sb.length() == 0 ? "" : "&").append(target, i, nameEnd).append('=')
                    .append(kind == 'e' ? "" : kind == 'n' ? "{number}" : kind == 'r' ? "{random}" : "{words}");
            i = end + 1;
        }
        return sb.toString();
    }
}

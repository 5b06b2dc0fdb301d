package io.rampart.detect;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import io.rampart.mitigate.Condition;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.Dimension;
import io.rampart.traffic.FeatureHasher;
import io.rampart.traffic.RequestFeatures;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Turns an operator's rule ({@code {"network": "203.0.113.0/24", "path": "/login", "method":
 * "POST", "userAgent": "curl/8.0"}}) into {@link Condition}s hashed exactly as the data plane
 * hashes requests: a request with those values is built and described by {@link RequestFeatures},
 * so the operator's path folds digits and the network is cut at /24 (/64) or /16 (/48) the same
 * way. Keys: {@code address} (one client), {@code network} (a /24 or /64, or a /16 or /48),
 * {@code path}, {@code method}, {@code userAgent}, {@code ja4} (the TLS fingerprint, as the access
 * log shows it), {@code h2} (the HTTP/2 fingerprint), {@code hfp} (the header fingerprint: the
 * sixteen hex digits the access log and the reference lookup show, keyed to this installation),
 * {@code asn} ({@code AS64500} or {@code 64500}) and {@code country} (ISO 3166-1 alpha-2), the last
 * two only with geo databases configured.
 */
final class OperatorRules {
    static final List<String> KEYS = List.of("address", "network", "path", "method", "userAgent", "ja4", "h2", "hfp", "asn", "country");

    private OperatorRules() {
    }

    /**
     * @param geo whether geo databases are configured (rules on {@code asn} and {@code country} need them)
     * @throws IllegalArgumentException naming the key that is missing, unknown or malformed
     */
    static List<Condition> conditions(Map<String, String> match, FeatureHasher hasher, boolean geo) {
        if (match == null || match.isEmpty()) {
            throw new IllegalArgumentException("match: expected at least one of " + KEYS);
        }
        for (String k : match.keySet()) {
            if (!KEYS.contains(k)) {
                throw new IllegalArgumentException("match." + k + ": unknown key, expected one of " + KEYS);
            }
        }
        String address = match.get("address");
        String network = match.get("network");
        if (address != null && network != null) {
            throw new IllegalArgumentException("match: give address or network, not both");
        }
        ClientAddress client = ClientAddress.parse("192.0.2.1");
        Dimension netDim = null;
        String netText = null;
        if (address != null) {
            client = parseAddress("match.address", address);
            netDim = Dimension.CLIENT;
            netText = client.toString();
        } else if (network != null) {
            int slash = network.indexOf('/');
            if (slash < 0) {
                throw new IllegalArgumentException("match.network: expected a prefix such as 203.0.113.0/24, got '" + network + "'");
            }
            client = parseAddress("match.network", network.substring(0, slash));
            int bits;
            try {
                bits = Integer.parseInt(network.substring(slash + 1));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("match.network: '" + network.substring(slash + 1) + "' is not a prefix length");
            }
            boolean v6 = client.isIpv6();
            if (bits == (v6 ? 64 : 24)) {
                netDim = Dimension.NETWORK;
            } else if (bits == (v6 ? 48 : 16)) {
                netDim = Dimension.WIDE_NETWORK;
            } else {
                throw new IllegalArgumentException("match.network: rules match " + (v6 ? "/64 or /48" : "/24 or /16")
                        + " networks (use the deny list for other prefixes), got /" + bits);
            }
            netText = network;
        }
        String path = match.getOrDefault("path", "/");
        if (!path.startsWith("/") || path.indexOf(' ') >= 0) {
            throw new IllegalArgumentException("match.path: expected a path starting with '/', got '" + path + "'");
        }
        String method = match.getOrDefault("method", "GET").toUpperCase(Locale.ROOT);
        if (!method.matches("[A-Z]{1,16}")) {
            throw new IllegalArgumentException("match.method: expected an HTTP method such as POST, got '" + match.get("method") + "'");
        }
        DefaultHttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(method), path);
        if (match.containsKey("userAgent")) {
            req.headers().set(HttpHeaderNames.USER_AGENT, match.get("userAgent"));
        }
        RequestFeatures f = new RequestFeatures(hasher).fill(client, req, path);
        List<Condition> out = new ArrayList<>();
        if (netDim != null) {
            out.add(Condition.of(netDim, f.value(netDim), netText));
        }
        if (match.containsKey("path")) {
            out.add(Condition.of(Dimension.PATH, f.value(Dimension.PATH), path));
        }
        if (match.containsKey("method")) {
            out.add(Condition.of(Dimension.METHOD, f.value(Dimension.METHOD), method));
        }
        if (match.containsKey("userAgent")) {
            out.add(Condition.of(Dimension.USER_AGENT, f.value(Dimension.USER_AGENT), match.get("userAgent")));
        }
        if (match.containsKey("ja4")) {
            out.add(Condition.of(Dimension.TLS, hasher.hash(match.get("ja4")), match.get("ja4")));
        }
        if (match.containsKey("h2")) {
            out.add(Condition.of(Dimension.H2, hasher.hash(match.get("h2")), match.get("h2")));
        }
        if (match.containsKey("hfp")) {
            String hfp = match.get("hfp");
            if (hfp == null || !hfp.matches("[0-9a-fA-F]{16}")) {
                throw new IllegalArgumentException("match.hfp: expected the 16 hex digits of a header fingerprint as the access log shows it, got '" + hfp + "'");
            }
            out.add(Condition.of(Dimension.FINGERPRINT, Long.parseUnsignedLong(hfp, 16), hfp.toLowerCase(Locale.ROOT)));
        }
        for (String key : new String[] {"asn", "country"}) {
            if (match.containsKey(key) && !geo) {
                throw new IllegalArgumentException("match." + key + ": needs geo databases (incidents.geoDatabases); none is configured");
            }
        }
        if (match.containsKey("asn")) {
            String asn = match.get("asn") == null ? "" : match.get("asn").trim();
            if (!asn.matches("(?i)(AS)?[0-9]{1,10}")) {
                throw new IllegalArgumentException("match.asn: expected an autonomous system number such as AS64500, got '" + match.get("asn") + "'");
            }
            String key = RequestFeatures.asnKey(Long.parseLong(asn.replaceFirst("(?i)^AS", "")));
            out.add(Condition.of(Dimension.ASN, hasher.hash(key), key));
        }
        if (match.containsKey("country")) {
            String cc = match.get("country") == null ? "" : match.get("country").trim();
            if (!cc.matches("[A-Za-z]{2}")) {
                throw new IllegalArgumentException("match.country: expected a two-letter ISO 3166 code such as NL, got '" + match.get("country") + "'");
            }
            String upper = cc.toUpperCase(Locale.ROOT);
            out.add(Condition.of(Dimension.COUNTRY, hasher.hash(upper), upper));
        }
        return out;
    }

    private static ClientAddress parseAddress(String path, String text) {
        try {
            ClientAddress a = ClientAddress.parse(text);
            if (a == null) {
                throw new IllegalArgumentException("null");
            }
            return a;
        } catch (RuntimeException e) {
            throw new IllegalArgumentException(path + ": '" + text + "' is not an IP address");
        }
    }
}

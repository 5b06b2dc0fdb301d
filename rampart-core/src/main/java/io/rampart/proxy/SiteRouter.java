package io.rampart.proxy;

import java.util.HashMap;
import java.util.Locale;
import java.util.Map;

/**
 * Chooses the site for a request's host: exact names first, then the most specific wildcard
 * ({@code *.example.org} matches {@code a.example.org} and {@code a.b.example.org}, not
 * {@code example.org}), then a catch-all {@code *} if one is configured. A host no site serves is
 * refused — Rampart only ever forwards to the origins it is configured with.
 */
final class SiteRouter {
    /** Authorities remembered per router: enough for every real site, too few for a Host-header flood to matter. */
    static final int CACHE_LIMIT = 4096;
    private static final Site NO_SITE = new Site("-", -1, null, null, new String[0], new io.rampart.mitigate.SiteLimits[0], false, null, new io.rampart.traffic.TrafficRecorder());

    private final java.util.concurrent.ConcurrentHashMap<String, Site> byAuthority = new java.util.concurrent.ConcurrentHashMap<>();
    private final Map<String, Site> exact = new HashMap<>();
    private final Map<String, Site> wildcard = new HashMap<>();
    private Site catchAll;

    void add(String hostPattern, Site site) {
        String h = hostPattern.toLowerCase(Locale.ROOT);
        if (h.endsWith(".")) {
            h = h.substring(0, h.length() - 1);
        }
        if ("*".equals(h)) {
            catchAll = site;
        } else if (h.startsWith("*.")) {
            wildcard.put(h.substring(1), site); // ".example.org"
        } else {
            exact.put(h, site);
        }
    }

    /**
     * The site for a raw {@code Host} / authority value, or {@code null} for none (also for
     * authorities that are not valid). Answers from a bounded cache keyed by the raw value, so the
     * common case allocates nothing; once the cache is full (a flood of random Host values),
     * lookups are computed without being remembered.
     */
    Site routeAuthority(String authority) {
        if (authority == null) {
            return route(null);
        }
        Site cached = byAuthority.get(authority);
        if (cached == null) {
            String host = hostOf(authority);
            cached = host == null ? NO_SITE : route(host);
            if (cached == null) {
                cached = NO_SITE;
            }
            if (byAuthority.size() < CACHE_LIMIT) {
                byAuthority.putIfAbsent(authority, cached);
            }
        }
        return cached == NO_SITE ? null : cached;
    }

    /** @param host the host part of the request's authority, already lower-cased, without port */
    Site route(String host) {
        if (host != null) {
            Site s = exact.get(host);
            if (s != null) {
                return s;
            }
            if (!wildcard.isEmpty()) {
                int dot = host.indexOf('.');
                while (dot >= 0) {
                    s = wildcard.get(host.substring(dot));
                    if (s != null) {
                        return s;
                    }
                    dot = host.indexOf('.', dot + 1);
                }
            }
        }
        return catchAll;
    }

    /**
     * The host part of a {@code Host} header or absolute-URI authority: lower-cased, port and
     * trailing dot removed, IPv6 brackets kept off. Returns {@code null} when it is not a
     * syntactically valid authority.
     */
    static String hostOf(String authority) {
        if (authority == null) {
            return null;
        }
        String a = authority.trim();
        if (a.isEmpty()) {
            return null;
        }
        String host;
        if (a.charAt(0) == '[') {
            int close = a.indexOf(']');
            if (close < 0) {
                return null;
            }
            host = a.substring(1, close);
            String rest = a.substring(close + 1);
            if (!rest.isEmpty() && !validPort(rest)) {
                return null;
            }
        } else {
            int colon = a.indexOf(':');
            host = colon < 0 ? a : a.substring(0, colon);
            if (colon >= 0 && !validPort(a.substring(colon))) {
                return null;
            }
        }
        for (int i = 0; i < host.length(); i++) {
            char c = host.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '.' || c == '_' || c == ':';
            if (!ok) {
                return null;
            }
        }
        host = host.toLowerCase(Locale.ROOT);
        if (host.endsWith(".")) {
            host = host.substring(0, host.length() - 1);
        }
        return host.isEmpty() ? null : host;
    }

    private static boolean validPort(String colonAndPort) {
        if (colonAndPort.length() < 2 || colonAndPort.length() > 6 || colonAndPort.charAt(0) != ':') {
            return false;
        }
        for (int i = 1; i < colonAndPort.length(); i++) {
            if (!Character.isDigit(colonAndPort.charAt(i))) {
                return false;
            }
        }
        return true;
    }
}

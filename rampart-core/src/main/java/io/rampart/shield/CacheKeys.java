package io.rampart.shield;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Cache keys: host, path and the query parameters that matter, sorted.
 *
 * <p>Left out of the key: the configured tracking parameters ({@code utm_*}, {@code fbclid}...),
 * and, when asked (under pressure), the cache busters of a cache-busting flood: parameters whose
 * name the path has not been seen to use ({@link KnownParams}), and parameters whose name or
 * value looks random. A token looks random when it is at least 8 characters long and switches at
 * least 3 times between letters and digits or between lower and upper case ({@code aB3dE5gH7j},
 * hex ids, UUIDs); words, numbers and dates do not ({@code newsletter}, {@code 2026}). The request
 * still goes to the origin with its full address; only the shield treats such variants as one
 * page.
 */
public final class CacheKeys {
    private final String[] exact;
    private final String[] prefixes;
    private final KnownParams known = new KnownParams();

    public CacheKeys(List<String> ignoreParams) {
        List<String> e = new ArrayList<>();
        List<String> p = new ArrayList<>();
        for (String s : ignoreParams) {
            if (s.endsWith("*")) {
                p.add(s.substring(0, s.length() - 1).toLowerCase(Locale.ROOT));
            } else {
                e.add(s.toLowerCase(Locale.ROOT));
            }
        }
        exact = e.toArray(new String[0]);
        prefixes = p.toArray(new String[0]);
    }

    /** The key for {@code target} (path and query) on {@code host}. */
    public String of(String host, String target, boolean dropRandom) {
        String h = host == null ? "" : host.toLowerCase(Locale.ROOT);
        int q = target.indexOf('?');
        if (q < 0) {
            return h + ' ' + target;
        }
        String path = target.substring(0, q);
        List<String> kept = new ArrayList<>();
        for (String pair : target.substring(q + 1).split("&")) {
            if (pair.isEmpty()) {
                continue;
            }
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            if (ignored(name) || dropRandom && (!known.known(path, name) || looksRandom(name) || looksRandom(value))) {
                continue;
            }
            kept.add(pair);
        }
        if (kept.isEmpty()) {
            return h + ' ' + path;
        }
        Collections.sort(kept);
        return h + ' ' + path + '?' + String.join("&", kept);
    }

    /** Learns the parameter names of a stored page's key (see {@link KnownParams}). */
    void learn(String key) {
        int space = key.indexOf(' ');
        int q = key.indexOf('?', space);
        if (q > 0) {
            int end = key.indexOf('\n', q);
            known.learn(key.substring(space + 1, q), end < 0 ? key.substring(q + 1) : key.substring(q + 1, end));
        }
    }

    private boolean ignored(String name) {
        for (String e : exact) {
            if (e.equalsIgnoreCase(name)) {
                return true;
            }
        }
        for (String p : prefixes) {
            if (name.regionMatches(true, 0, p, 0, p.length())) {
                return true;
            }
        }
        return false;
    }

    /** Whether a query token looks machine-made rather than meaningful (see the class note). */
    static boolean looksRandom(String token) {
        if (token.length() < 8) {
            return false;
        }
        int switches = 0;
        int prev = kind(token.charAt(0));
        for (int i = 1; i < token.length(); i++) {
            int k = kind(token.charAt(i));
            if (k != 0 && prev != 0 && k != prev) {
                switches++;
            }
            if (k != 0) {
                prev = k;
            }
        }
        return switches >= 3;
    }

    /** 1 lower-case letter, 2 upper-case letter, 3 digit, 0 anything else. */
    private static int kind(char c) {
        if (c >= 'a' && c <= 'z') {
            return 1;
        }
        if (c >= 'A' && c <= 'Z') {
            return 2;
        }
        return c >= '0' && c <= '9' ? 3 : 0;
    }
}

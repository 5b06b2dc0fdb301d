package io.rampart.shield;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Locale;

/**
 * How long a response may be served from the shield, from the origin's {@code Cache-Control}
 * (RFC 9111 §5.2.2, RFC 5861): {@code s-maxage} wins over {@code max-age}; {@code no-store},
 * {@code no-cache} and {@code private} mean never stored; {@code stale-while-revalidate} and
 * {@code stale-if-error} extend the use of a stale copy. {@code Expires} and heuristic freshness
 * are deliberately not used: the shield stores only what the origin explicitly allows.
 *
 * @param ttlNanos fresh for this long after it was stored
 * @param swrNanos then served stale while one background fetch refreshes it, for this long
 * @param sieNanos then served stale when the origin fails, for this long (counted from the end of freshness)
 */
public record Freshness(long ttlNanos, long swrNanos, long sieNanos) {
    private static final long SECOND = 1_000_000_000L;
    /** Longest any response is kept, whatever it says: a day. */
    static final long MAX_SECONDS = 86_400;

    /** The freshness a response allows, or {@code null} if it must not be stored. */
    public static Freshness of(HttpHeaders h) {
        String cc = h.get(HttpHeaderNames.CACHE_CONTROL);
        if (cc == null) {
            return null;
        }
        long maxAge = -1;
        long sMaxAge = -1;
        long swr = 0;
        long sie = 0;
        for (String part : cc.split(",")) {
            String d = part.trim().toLowerCase(Locale.ROOT);
            if (d.equals("no-store") || d.equals("no-cache") || d.startsWith("private") || d.startsWith("no-cache=")) {
                return null;
            }
            if (d.startsWith("max-age=")) {
                maxAge = seconds(d, 8);
            } else if (d.startsWith("s-maxage=")) {
                sMaxAge = seconds(d, 9);
            } else if (d.startsWith("stale-while-revalidate=")) {
                swr = Math.max(0, seconds(d, 23));
            } else if (d.startsWith("stale-if-error=")) {
                sie = Math.max(0, seconds(d, 15));
            }
        }
        long ttl = sMaxAge >= 0 ? sMaxAge : maxAge;
        if (ttl < 0 || ttl == 0 && swr == 0 && sie == 0) {
            return null;
        }
        return new Freshness(ttl * SECOND, swr * SECOND, sie * SECOND);
    }

    private static long seconds(String directive, int from) {
        String v = directive.substring(from).trim();
        if (v.length() > 1 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
            v = v.substring(1, v.length() - 1);
        }
        if (v.isEmpty() || v.length() > 10) {
            return v.length() > 10 && v.chars().allMatch(Character::isDigit) ? MAX_SECONDS : -1;
        }
        for (int i = 0; i < v.length(); i++) {
            if (!Character.isDigit(v.charAt(i))) {
                return -1;
            }
        }
        return Math.min(MAX_SECONDS, Long.parseLong(v));
    }
}

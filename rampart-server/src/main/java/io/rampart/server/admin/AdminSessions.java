package io.rampart.server.admin;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * The dashboard's browser sessions. Signing in with the token gives the browser a random session
 * id, never the token itself: a session cookie that leaks (cookies ignore ports, so a browser
 * sends it to every site on the same host; the gateway strips it, but an origin reached directly
 * would see it) gives away one session of this admin listener, which ends with the process or
 * after {@link #LIFETIME_MILLIS}, not the token. At most {@link #MAX} sessions are kept; the oldest
 * goes first.
 */
final class AdminSessions {
    static final long LIFETIME_MILLIS = 12 * 3_600_000L;
    static final int MAX = 256;

    private final SecureRandom random = new SecureRandom();
    private final LongSupplier clock;
    /** Session id to its operator and expiry (epoch millis), oldest first. */
    private final Map<String, Held> sessions = new LinkedHashMap<>();

    private record Held(Operator operator, long expiry) {
    }

    AdminSessions(LongSupplier clock) {
        this.clock = clock;
    }

    /** A new session id for {@code operator}, valid for {@link #LIFETIME_MILLIS}. */
    synchronized String open(Operator operator) {
        byte[] b = new byte[32];
        random.nextBytes(b);
        String id = Base64.getUrlEncoder().withoutPadding().encodeToString(b);
        if (sessions.size() >= MAX) {
            Iterator<String> oldest = sessions.keySet().iterator();
            oldest.next();
            oldest.remove();
        }
        sessions.put(id, new Held(operator, clock.getAsLong() + LIFETIME_MILLIS));
        return id;
    }

    /** The operator of live session {@code id}, or null (compared in constant time against each). */
    synchronized Operator valid(String id) {
        long now = clock.getAsLong();
        sessions.values().removeIf(h -> h.expiry() <= now);
        byte[] offered = id.getBytes(StandardCharsets.US_ASCII);
        Operator found = null;
        for (Map.Entry<String, Held> s : sessions.entrySet()) {
            if (MessageDigest.isEqual(offered, s.getKey().getBytes(StandardCharsets.US_ASCII)) && found == null) {
                found = s.getValue().operator();
            }
        }
        return found;
    }
}

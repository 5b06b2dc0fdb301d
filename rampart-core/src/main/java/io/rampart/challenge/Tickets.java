package io.rampart.challenge;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.KeyHash;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.ThreadLocalRandom;
import javax.crypto.Mac;

/**
 * Mints and checks Rampart's signed tickets: the proof-of-work challenge, the no-JavaScript pass
 * and the clearance cookie.
 *
 * <p>Design note — layout (54 bytes, 72 characters of unpadded base64url):
 * <pre>
 *  0      kind: 'P' challenge, 'W' no-JavaScript pass, 'C' clearance
 *  1-4    signing period (see {@link TicketKeys})
 *  5-12   seconds since the epoch: issue time (P, W) or expiry (C)
 *  13     parameter: difficulty in bits (P), lane flags (C), 0 (W)
 *  14-29  nonce, 16 random bytes: makes each ticket unique and names it in the spent set
 *  30-37  binding: a hash of the client's network prefix (/24, /64) and user-agent
 *  38-53  MAC: the first 16 bytes of HMAC-SHA256(period key, bytes 0-37 ‖ extra)
 * </pre>
 * A ticket carries everything needed to check it, so no state is kept per client: forging one
 * needs the key, moving one to another network or browser breaks the binding, and the only state
 * is the bounded set of spent challenge and pass nonces, which makes each solution single-use.
 * The binding is in the clear so that a stolen ticket is told apart from a forged one in logs; it
 * is a hash and says nothing about the client that the client does not know. Times are the
 * server's own: a client's clock is never consulted, so clock skew cannot cause a loop.
 */
public final class Tickets {
    static final int BYTES = 54;
    private static final int MAC_AT = 38;
    private static final int MAC_BYTES = 16;
    /** How long a challenge or a pass may be redeemed after it was issued. */
    static final long REDEEM_SECONDS = 300;

    /** What a check found. Only {@link #VALID} lets a request through. */
    public enum Check {
        VALID, MALFORMED, FORGED, EXPIRED, OTHER_CLIENT, TOO_EARLY, UNSOLVED, REPLAYED;

        public boolean ok() {
            return this == VALID;
        }
    }

    private final TicketKeys keys;
    private final Cache<Nonce, Boolean> spent;

    private record Nonce(long a, long b) {
    }

    /**
     * @param keys     signing keys
     * @param maxSpent how many redeemed challenges to remember (each cost its client a solved proof of work)
     * @param ticker   nanosecond time source for the spent set's expiry
     */
    public Tickets(TicketKeys keys, int maxSpent, Ticker ticker) {
        this.keys = keys;
        this.spent = Caffeine.newBuilder()
                .maximumSize(maxSpent)
                .expireAfterWrite(Duration.ofSeconds(REDEEM_SECONDS + 60))
                .ticker(ticker)
                .build();
    }

    /** A proof-of-work challenge for this client, of {@code bits} leading zero bits. */
    public String mintChallenge(ClientAddress client, CharSequence userAgent, int bits) {
        return mint('P', keys.nowSeconds(), bits, client, userAgent, null);
    }

    /** A pass for clients without JavaScript, redeemable after a wait, for {@code returnTo} only. */
    public String mintPass(ClientAddress client, CharSequence userAgent, String returnTo) {
        return mint('W', keys.nowSeconds(), 0, client, userAgent, returnTo);
    }

    /** A clearance cookie value valid for {@code lifetimeSeconds}, on any site. */
    public String mintClearance(ClientAddress client, CharSequence userAgent, long lifetimeSeconds, int flags) {
        return mintClearance(client, userAgent, lifetimeSeconds, flags, null);
    }

    /**
     * A clearance cookie value valid for {@code lifetimeSeconds} on {@code site} alone (its name is
     * signed in; null: any site).
     */
    public String mintClearance(ClientAddress client, CharSequence userAgent, long lifetimeSeconds, int flags, String site) {
        return mint('C', keys.nowSeconds() + lifetimeSeconds, flags, client, userAgent, site);
    }

    /** Checks a clearance cookie for this client. Allocation: one decode buffer. */
    public Check checkClearance(CharSequence text, ClientAddress client, CharSequence userAgent) {
        return checkClearance(text, client, userAgent, null);
    }

    /** Checks a clearance cookie for this client on {@code site}: one earned on another site does not verify. */
    public Check checkClearance(CharSequence text, ClientAddress client, CharSequence userAgent, String site) {
        byte[] t = decode(text);
        Check c = verify(t, 'C', client, userAgent, site);
        if (c != Check.VALID) {
            return c;
        }
        return readLong(t, 5) > keys.nowSeconds() ? Check.VALID : Check.EXPIRED;
    }

    /**
     * Checks a solved challenge: signature, client, age, the proof of work, and that it was not
     * redeemed before (it is marked spent when valid).
     */
    public Check redeemChallenge(String ticket, long counter, ClientAddress client, CharSequence userAgent) {
        byte[] t = decode(ticket);
        Check c = verify(t, 'P', client, userAgent, null);
        if (c != Check.VALID) {
            return c;
        }
        long age = keys.nowSeconds() - readLong(t, 5);
        if (age > REDEEM_SECONDS || age < -5) {
            return Check.EXPIRED;
        }
        if (!ProofOfWork.solves(ticket, counter, t[13] & 0xff)) {
            return Check.UNSOLVED;
        }
        return markSpent(t);
    }

    /** Checks a no-JavaScript pass: as a challenge, but proven by waiting {@code waitSeconds} instead of work. */
    public Check redeemPass(String ticket, String returnTo, long waitSeconds, ClientAddress client, CharSequence userAgent) {
        byte[] t = decode(ticket);
        Check c = verify(t, 'W', client, userAgent, returnTo);
        if (c != Check.VALID) {
            return c;
        }
        long age = keys.nowSeconds() - readLong(t, 5);
        if (age > REDEEM_SECONDS) {
            return Check.EXPIRED;
        }
        if (age < waitSeconds) {
            return Check.TOO_EARLY;
        }
        return markSpent(t);
    }

    /** The difficulty a challenge ticket asks for, or -1 if it is not one. */
    public static int difficultyOf(String ticket) {
        byte[] t = decode(ticket);
        return t == null || t[0] != 'P' ? -1 : t[13] & 0xff;
    }

    private Check markSpent(byte[] t) {
        Nonce n = new Nonce(readLong(t, 14), readLong(t, 22));
        if (spent.asMap().putIfAbsent(n, Boolean.TRUE) != null) {
            return Check.REPLAYED;
        }
        decisions.publish(io.rampart.cluster.SharedDecision.Kind.SPENT, "",
                java.util.Map.of("nonce", Long.toHexString(n.a()) + "." + Long.toHexString(n.b())),
                System.currentTimeMillis() + (REDEEM_SECONDS + 60) * 1000L, "");
        return Check.VALID;
    }

    private volatile io.rampart.cluster.Decisions decisions = io.rampart.cluster.Decisions.NONE;

    /** Where redeemed nonces go out to the other nodes of a cluster (so a ticket is single-use cluster-wide). */
    public void decisions(io.rampart.cluster.Decisions d) {
        this.decisions = d == null ? io.rampart.cluster.Decisions.NONE : d;
    }

    /** Marks a nonce another node redeemed ({@code hex.hex}) as spent here; false when malformed. */
    public boolean spend(String nonce) {
        int dot = nonce == null ? -1 : nonce.indexOf('.');
        if (dot <= 0) {
            return false;
        }
        try {
            spent.put(new Nonce(Long.parseUnsignedLong(nonce.substring(0, dot), 16),
                    Long.parseUnsignedLong(nonce.substring(dot + 1), 16)), Boolean.TRUE);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private String mint(char kind, long time, int param, ClientAddress client, CharSequence ua, String extra) {
        byte[] t = new byte[BYTES];
        t[0] = (byte) kind;
        int period = keys.currentPeriod();
        writeInt(t, 1, period);
        writeLong(t, 5, time);
        t[13] = (byte) param;
        ThreadLocalRandom r = ThreadLocalRandom.current();
        writeLong(t, 14, r.nextLong());
        writeLong(t, 22, r.nextLong());
        writeLong(t, 30, binding(client, ua));
        byte[] mac = sign(period, t, extra);
        System.arraycopy(mac, 0, t, MAC_AT, MAC_BYTES);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(t);
    }

    private Check verify(byte[] t, char kind, ClientAddress client, CharSequence ua, String extra) {
        if (t == null || t[0] != kind) {
            return Check.MALFORMED;
        }
        int period = readInt(t, 1);
        if (!keys.accepts(period)) {
            return Check.EXPIRED; // signed with a retired key
        }
        byte[] mac = sign(period, t, extra);
        int diff = 0;
        for (int i = 0; i < MAC_BYTES; i++) {
            diff |= mac[i] ^ t[MAC_AT + i]; // constant time
        }
        if (diff != 0) {
            return Check.FORGED;
        }
        return readLong(t, 30) == binding(client, ua) ? Check.VALID : Check.OTHER_CLIENT;
    }

    private byte[] sign(int period, byte[] t, String extra) {
        Mac mac = keys.mac(period);
        mac.update(t, 0, MAC_AT);
        if (extra != null) {
            mac.update(extra.getBytes(StandardCharsets.UTF_8));
        }
        return mac.doFinal();
    }

    private static byte[] decode(CharSequence text) {
        if (text == null || text.length() != 72) {
            return null;
        }
        for (int i = 0; i < 72; i++) {
            char ch = text.charAt(i);
            boolean ok = ch >= 'A' && ch <= 'Z' || ch >= 'a' && ch <= 'z' || ch >= '0' && ch <= '9' || ch == '-' || ch == '_';
            if (!ok) {
                return null;
            }
        }
        byte[] t = Base64.getUrlDecoder().decode(text.toString());
        return t.length == BYTES ? t : null;
    }

    /**
     * The client binding: network prefix (/24 for IPv4, /64 for IPv6, so a phone that changes
     * address inside its carrier's block keeps its clearance) and user-agent. Deterministic, not
     * seeded per process, so every node sharing the secret computes the same value.
     */
    static long binding(ClientAddress client, CharSequence ua) {
        long prefix = client.isIpv6() ? client.hi() : (client.lo() & 0xFFFFFF00L) | 0x4_0000_0000L;
        long h = ua == null ? 0 : KeyHash.fnv1a(ua, ua.length());
        return KeyHash.fmix64(prefix * 0x9E3779B97F4A7C15L ^ h);
    }

    private static void writeInt(byte[] b, int at, int v) {
        for (int i = 3; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static int readInt(byte[] b, int at) {
        int v = 0;
        for (int i = 0; i < 4; i++) {
            v = (v << 8) | (b[at + i] & 0xff);
        }
        return v;
    }

    private static void writeLong(byte[] b, int at, long v) {
        for (int i = 7; i >= 0; i--) {
            b[at + i] = (byte) v;
            v >>>= 8;
        }
    }

    private static long readLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[at + i] & 0xffL);
        }
        return v;
    }
}

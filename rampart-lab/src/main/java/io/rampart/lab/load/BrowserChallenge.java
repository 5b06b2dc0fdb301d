package io.rampart.lab.load;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a browser does with Rampart's challenge page, done by the lab's visitors: read the puzzle
 * from the page ({@code data-ticket}, {@code data-bits}, {@code data-cookie}), find a counter
 * {@code n} whose {@code SHA-256(ticket + "." + n)} starts with {@code bits} zero bits (the page's
 * published puzzle; written here from its description, not taken from the gateway's code, as
 * the lab measures every gateway from outside), and answer with the cookie {@code NAME=ticket.n}
 * on the same address.
 *
 * <p>The lab solves in a fraction of the time a browser's JavaScript takes, so a visitor waits
 * {@link #browserSolveNanos(int)} before answering: {@code 2^bits} hashes at
 * {@value #BROWSER_HASHES_PER_SECOND} a second (a mid-range phone), about 0.4 s at 16 bits.
 */
final class BrowserChallenge {
    static final long BROWSER_HASHES_PER_SECOND = 150_000;
    private static final Pattern PUZZLE = Pattern.compile(
            "data-ticket=\"([A-Za-z0-9_-]{16,200})\" data-bits=\"(\\d{1,2})\" data-cookie=\"([A-Za-z0-9_]{1,64})\"");

    final String ticket;
    final int bits;
    final String cookie;

    private BrowserChallenge(String ticket, int bits, String cookie) {
        this.ticket = ticket;
        this.bits = bits;
        this.cookie = cookie;
    }

    /** The puzzle in a challenge page, or null when the page carries none (a page a browser could not pass either). */
    static BrowserChallenge in(String page) {
        Matcher m = PUZZLE.matcher(page);
        if (!m.find()) {
            return null;
        }
        int bits = Integer.parseInt(m.group(2));
        return bits > 30 ? null : new BrowserChallenge(m.group(1), bits, m.group(3));
    }

    /** How long a browser would take: the expected number of hashes at a phone's speed. */
    long browserSolveNanos() {
        return browserSolveNanos(bits);
    }

    static long browserSolveNanos(int bits) {
        return (long) (Math.pow(2, bits) * 1e9 / BROWSER_HASHES_PER_SECOND);
    }

    /** The answer's cookie value: {@code ticket.n}. */
    String answer() {
        MessageDigest sha;
        try {
            sha = MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
        byte[] prefix = (ticket + ".").getBytes(StandardCharsets.US_ASCII);
        for (long n = 0; ; n++) {
            sha.update(prefix);
            if (zeroBits(sha.digest(Long.toString(n).getBytes(StandardCharsets.US_ASCII))) >= bits) {
                return ticket + "." + n;
            }
        }
    }

    private static int zeroBits(byte[] digest) {
        int n = 0;
        for (byte b : digest) {
            if (b != 0) {
                return n + Integer.numberOfLeadingZeros(b & 0xff) - 24;
            }
            n += 8;
        }
        return n;
    }
}

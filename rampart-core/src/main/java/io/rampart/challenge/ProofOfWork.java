package io.rampart.challenge;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;

/**
 * The proof of work: find a counter {@code n} such that {@code SHA-256(ticket + "." + n)} starts
 * with at least {@code bits} zero bits.
 *
 * <p>Design note: a hashcash-style puzzle (Back, 2002). Solving takes {@code 2^bits} hashes on
 * average, checking takes one. SHA-256 because browsers can compute it everywhere: on plain-HTTP
 * origins other than localhost there is no {@code crypto.subtle}, so the page ships its own
 * implementation (in {@code pow-worker.js}), which the tests check against this class. 16 bits are
 * about 65,000 hashes: well under a second on a laptop, one to two seconds on a low-end phone.
 */
public final class ProofOfWork {
    private static final ThreadLocal<MessageDigest> SHA256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java runtime", e);
        }
    });

    private ProofOfWork() {
    }

    /** Whether {@code counter} solves {@code ticket} at {@code bits}. */
    public static boolean solves(String ticket, long counter, int bits) {
        if (counter < 0 || bits < 0 || bits > 256) {
            return false;
        }
        MessageDigest d = SHA256.get();
        d.reset();
        d.update(ticket.getBytes(StandardCharsets.US_ASCII));
        d.update((byte) '.');
        d.update(Long.toString(counter).getBytes(StandardCharsets.US_ASCII));
        return leadingZeroBits(d.digest()) >= bits;
    }

    /** The number of leading zero bits of {@code digest}. */
    static int leadingZeroBits(byte[] digest) {
        int n = 0;
        for (byte b : digest) {
            if (b == 0) {
                n += 8;
                continue;
            }
            return n + Integer.numberOfLeadingZeros(b & 0xff) - 24;
        }
        return n;
    }

    /** Solves a challenge the slow way (for tests and tools, never on the gateway). */
    public static long solve(String ticket, int bits) {
        for (long n = 0; ; n++) {
            if (solves(ticket, n, bits)) {
                return n;
            }
        }
    }
}

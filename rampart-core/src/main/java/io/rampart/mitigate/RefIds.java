package io.rampart.mitigate;

import java.security.SecureRandom;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Short reference ids that tie an error page, the {@code X-Rampart-Ref} header and an access log
 * line together. 60 bits: a random 12-bit node tag and a 48-bit counter, printed as 12 Crockford
 * base-32 characters ({@code 7KQ2M9XD3FZA}): unambiguous to read aloud over the phone.
 */
public final class RefIds {
    private static final char[] ALPHABET = "0123456789ABCDEFGHJKMNPQRSTVWXYZ".toCharArray();
    private static final long NODE = new SecureRandom().nextInt(1 << 12);
    private static final AtomicLong COUNTER = new AtomicLong(new SecureRandom().nextInt(1 << 30));

    private RefIds() {
    }

    public static long next() {
        return (NODE << 48) | (COUNTER.getAndIncrement() & 0xFFFF_FFFF_FFFFL);
    }

    /** This process's 12-bit node tag. */
    public static long node() {
        return NODE;
    }

    /**
     * The id printed as {@code text} (12 Crockford base-32 characters, case-insensitive; O read as
     * 0, I and L as 1).
     *
     * @throws IllegalArgumentException naming what is wrong with {@code text}
     */
    public static long parse(String text) {
        if (text == null || text.length() != 12) {
            throw new IllegalArgumentException("a reference id has 12 characters, like 7KQ2M9XD3FZA");
        }
        long v = 0;
        for (int i = 0; i < 12; i++) {
            char c = Character.toUpperCase(text.charAt(i));
            c = c == 'O' ? '0' : c == 'I' || c == 'L' ? '1' : c;
            int d = new String(ALPHABET).indexOf(c);
            if (d < 0) {
                throw new IllegalArgumentException("'" + text.charAt(i) + "' is not a reference id character (0-9, A-Z without I, L, O, U)");
            }
            v = (v << 5) | d;
        }
        return v;
    }

    public static String format(long ref) {
        char[] c = new char[12];
        for (int i = 11; i >= 0; i--) {
            c[i] = ALPHABET[(int) (ref & 31)];
            ref >>>= 5;
        }
        return new String(c);
    }

    /**
     * The id as an {@link io.netty.util.AsciiString}: one 12-byte array, which Netty's encoder
     * copies as it is (no char[] and no String compaction per response).
     */
    public static io.netty.util.AsciiString formatAscii(long ref) {
        byte[] b = new byte[12];
        writeAscii(ref, b, 0);
        return new io.netty.util.AsciiString(b, false);
    }

    /** Writes the 12 characters of {@code ref} as ASCII bytes into {@code dst} at {@code offset}. */
    public static void writeAscii(long ref, byte[] dst, int offset) {
        for (int i = 11; i >= 0; i--) {
            dst[offset + i] = (byte) ALPHABET[(int) (ref & 31)];
            ref >>>= 5;
        }
    }
}

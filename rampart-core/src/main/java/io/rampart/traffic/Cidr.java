package io.rampart.traffic;

import java.net.Inet4Address;
import java.net.InetAddress;

/**
 * A network written as {@code 192.0.2.0/24}, {@code 2001:db8::/32}, or a single address.
 * Bounds are held as unsigned 128-bit ranges ({@code startHi:startLo .. endHi:endLo}); IPv4 lives
 * in the low word with {@code hi = 0} and is kept apart from IPv6 by {@link #ipv6()}.
 */
public record Cidr(boolean ipv6, long startHi, long startLo, long endHi, long endLo, String text) {

    public static Cidr parse(String text) {
        String s = text.trim();
        int slash = s.indexOf('/');
        String addr = slash < 0 ? s : s.substring(0, slash);
        InetAddress inet = InetLiterals.parse(addr);
        ClientAddress a = ClientAddress.of(inet);
        boolean v6 = a.isIpv6();
        int maxBits = v6 ? 128 : 32;
        int bits = maxBits;
        if (slash >= 0) {
            String b = s.substring(slash + 1);
            if (b.isEmpty() || b.length() > 3 || !b.chars().allMatch(Character::isDigit)) {
                throw new IllegalArgumentException("prefix length must be a number, got '" + text + "'");
            }
            bits = Integer.parseInt(b);
            if (bits > maxBits || (inet instanceof Inet4Address && bits > 32)) {
                throw new IllegalArgumentException("prefix length /" + bits + " is too long for "
                        + (v6 ? "IPv6" : "IPv4") + " in '" + text + "'");
            }
        }
        if (!v6) {
            long mask = bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL;
            long start = a.lo() & mask;
            long end = start | (~mask & 0xFFFFFFFFL);
            return new Cidr(false, 0, start, 0, end, s);
        }
        long maskHi = bits >= 64 ? -1L : (bits == 0 ? 0 : -1L << (64 - bits));
        long maskLo = bits <= 64 ? 0 : (bits == 128 ? -1L : -1L << (128 - bits));
        long sh = a.hi() & maskHi;
        long sl = a.lo() & maskLo;
        return new Cidr(true, sh, sl, sh | ~maskHi, sl | ~maskLo, s);
    }

    public boolean contains(ClientAddress a) {
        if (a.isIpv6() != ipv6) {
            return false;
        }
        return compareRanges(a.hi(), a.lo(), startHi, startLo) >= 0 && compareRanges(a.hi(), a.lo(), endHi, endLo) <= 0;
    }

    /** Unsigned 128-bit comparison of two addresses given as hi/lo words. */
    public static int compareRanges(long hi1, long lo1, long hi2, long lo2) {
        int c = Long.compareUnsigned(hi1, hi2);
        return c != 0 ? c : Long.compareUnsigned(lo1, lo2);
    }

    @Override
    public String toString() {
        return text;
    }
}

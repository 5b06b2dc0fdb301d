package io.rampart.firewall;

import io.rampart.traffic.Cidr;
import io.rampart.traffic.ClientAddress;

/**
 * One element of a drop or allow set: an address or a prefix, canonical (host bits cleared,
 * written as the kernel lists it). IPv4 lives in {@code lo} with {@code hi = 0}, as in
 * {@link ClientAddress}.
 */
public record DropEntry(boolean ipv6, long hi, long lo, int bits) implements Comparable<DropEntry> {

    public DropEntry {
        int max = ipv6 ? 128 : 32;
        if (bits < 0 || bits > max) {
            throw new IllegalArgumentException("prefix length /" + bits + " out of range");
        }
        long[] m = mask(ipv6, bits);
        hi &= m[0];
        lo &= m[1];
    }

    /** The entry for a CIDR as the configuration or a rule writes it ({@code 192.0.2.7/24} is {@code 192.0.2.0/24}). */
    public static DropEntry of(Cidr c) {
        int bits = prefixBits(c);
        return new DropEntry(c.ipv6(), c.startHi(), c.startLo(), bits);
    }

    /** @throws IllegalArgumentException for text that is not an address or a CIDR */
    public static DropEntry parse(String text) {
        return of(Cidr.parse(text));
    }

    public static DropEntry of(ClientAddress a) {
        return new DropEntry(a.isIpv6(), a.hi(), a.lo(), a.isIpv6() ? 128 : 32);
    }

    /** A single address (not a prefix): it goes to the hash set, prefixes to the interval set. */
    public boolean isAddress() {
        return bits == (ipv6 ? 128 : 32);
    }

    /** Whether {@code other} lies wholly inside this entry. */
    public boolean contains(DropEntry other) {
        if (other.ipv6 != ipv6 || other.bits < bits) {
            return false;
        }
        long[] m = mask(ipv6, bits);
        return (other.hi & m[0]) == hi && (other.lo & m[1]) == lo;
    }

    /** This entry cut to {@code newBits} (the /24 or /48 an address is folded into). */
    public DropEntry widen(int newBits) {
        return newBits >= bits ? this : new DropEntry(ipv6, hi, lo, newBits);
    }

    @Override
    public int compareTo(DropEntry o) {
        if (ipv6 != o.ipv6) {
            return ipv6 ? 1 : -1;
        }
        int c = Cidr.compareRanges(hi, lo, o.hi, o.lo);
        return c != 0 ? c : Integer.compare(bits, o.bits);
    }

    /** As nftables writes it: {@code 192.0.2.7}, {@code 198.51.100.0/24}, {@code 2001:db8::/48}. */
    @Override
    public String toString() {
        String addr = ipv6 ? compressV6(hi, lo)
                : ((lo >>> 24) & 0xff) + "." + ((lo >>> 16) & 0xff) + "." + ((lo >>> 8) & 0xff) + "." + (lo & 0xff);
        return isAddress() ? addr : addr + "/" + bits;
    }

    /** RFC 5952 text of a 128-bit address (the longest run of zero groups, two or more, as {@code ::}). */
    static String compressV6(long hi, long lo) {
        int[] g = new int[8];
        for (int i = 0; i < 4; i++) {
            g[i] = (int) ((hi >>> (48 - 16 * i)) & 0xffff);
            g[i + 4] = (int) ((lo >>> (48 - 16 * i)) & 0xffff);
        }
        int bestStart = -1;
        int bestLen = 1;
        for (int i = 0; i < 8; ) {
            if (g[i] != 0) {
                i++;
                continue;
            }
            int j = i;
            while (j < 8 && g[j] == 0) {
                j++;
            }
            if (j - i > bestLen) {
                bestStart = i;
                bestLen = j - i;
            }
            i = j;
        }
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 8; i++) {
            if (i == bestStart) {
                sb.append("::");
                i += bestLen - 1;
                continue;
            }
            if (sb.length() > 0 && sb.charAt(sb.length() - 1) != ':') {
                sb.append(':');
            }
            sb.append(Integer.toHexString(g[i]));
        }
        return sb.toString();
    }

    private static int prefixBits(Cidr c) {
        if (!c.ipv6()) {
            long size = c.endLo() - c.startLo() + 1;
            return 32 - Long.numberOfTrailingZeros(size);
        }
        long spanHi = c.endHi() - c.startHi();
        long spanLo = c.endLo() - c.startLo();
        if (spanHi == 0) {
            return spanLo == -1L ? 64 : 128 - Long.numberOfTrailingZeros(spanLo + 1);
        }
        return spanHi == -1L ? 0 : 64 - Long.numberOfTrailingZeros(spanHi + 1);
    }

    private static long[] mask(boolean ipv6, int bits) {
        if (!ipv6) {
            return new long[] {0, bits == 0 ? 0 : (0xFFFFFFFFL << (32 - bits)) & 0xFFFFFFFFL};
        }
        long mHi = bits >= 64 ? -1L : (bits == 0 ? 0 : -1L << (64 - bits));
        long mLo = bits <= 64 ? 0 : (bits == 128 ? -1L : -1L << (128 - bits));
        return new long[] {mHi, mLo};
    }
}

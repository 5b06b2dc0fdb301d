package io.rampart.firewall;

import io.netty.util.NetUtil;
import io.rampart.traffic.Cidr;
import io.rampart.traffic.ClientAddress;
import java.nio.ByteBuffer;

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

    /** As nftables writes it: {@code 192.0.2.7}, {@code 198.51.100.0/24}, {@code 2001:db8::/48} (RFC 5952, as {@link ClientAddress}). */
    @Override
    public String toString() {
        byte[] bytes = ipv6
                ? ByteBuffer.allocate(16).putLong(hi).putLong(lo).array()
                : ByteBuffer.allocate(4).putInt((int) lo).array();
        String addr = NetUtil.bytesToIpAddress(bytes);
        return isAddress() ? addr : addr + "/" + bits;
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

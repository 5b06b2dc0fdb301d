package io.rampart.traffic;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * A client's address as primitives, with its limiter keys precomputed.
 *
 * <p>Created once per connection (or per request when a trusted proxy names the client), never per
 * lookup. IPv4 is held in the low 32 bits of {@link #lo()}; IPv6 in {@link #hi()}/{@link #lo()}.
 * IPv4-mapped IPv6 addresses are treated as IPv4. The prefix is /24 for IPv4 and /64 for IPv6.
 */
public final class ClientAddress {
    private static final long TAG_V4 = 4;
    private static final long TAG_V6 = 6;
    private static final long TAG_V4_PREFIX = 24;
    private static final long TAG_V6_PREFIX = 64;

    private final boolean ipv6;
    private final long hi;
    private final long lo;
    private final long key;
    private final long prefixKey;
    private final InetAddress inet;
    private String text;

    private ClientAddress(InetAddress inet) {
        this.inet = inet;
        byte[] b = inet.getAddress();
        if (inet instanceof Inet4Address) {
            ipv6 = false;
            hi = 0;
            lo = ((b[0] & 0xffL) << 24) | ((b[1] & 0xffL) << 16) | ((b[2] & 0xffL) << 8) | (b[3] & 0xffL);
            key = KeyHash.mix(TAG_V4, 0, lo);
            prefixKey = KeyHash.mix(TAG_V4_PREFIX, 0, lo & 0xFFFFFF00L);
        } else {
            ipv6 = true;
            long h = 0;
            long l = 0;
            for (int i = 0; i < 8; i++) {
                h = (h << 8) | (b[i] & 0xffL);
                l = (l << 8) | (b[i + 8] & 0xffL);
            }
            hi = h;
            lo = l;
            key = KeyHash.mix(TAG_V6, h, l);
            prefixKey = KeyHash.mix(TAG_V6_PREFIX, h, 0);
        }
    }

    public static ClientAddress of(InetAddress address) {
        if (address instanceof Inet6Address) {
            byte[] b = address.getAddress();
            if (isIpv4Mapped(b)) {
                try {
                    return new ClientAddress(InetAddress.getByAddress(new byte[] {b[12], b[13], b[14], b[15]}));
                } catch (java.net.UnknownHostException e) {
                    throw new AssertionError(e);
                }
            }
        }
        return new ClientAddress(address);
    }

    /** The client behind a socket address; {@code null} for non-IP sockets (never happens on TCP). */
    public static ClientAddress of(SocketAddress socketAddress) {
        if (socketAddress instanceof InetSocketAddress) {
            InetAddress a = ((InetSocketAddress) socketAddress).getAddress();
            return a == null ? null : of(a);
        }
        return null;
    }

    public static ClientAddress parse(String literal) {
        return of(InetLiterals.parse(literal));
    }

    private static boolean isIpv4Mapped(byte[] b) {
        for (int i = 0; i < 10; i++) {
            if (b[i] != 0) {
                return false;
            }
        }
        return b[10] == (byte) 0xff && b[11] == (byte) 0xff;
    }

    public boolean isIpv6() {
        return ipv6;
    }

    /** High 64 bits of an IPv6 address; 0 for IPv4. */
    public long hi() {
        return hi;
    }

    /** Low 64 bits of an IPv6 address, or the IPv4 address as an unsigned 32-bit value. */
    public long lo() {
        return lo;
    }

    /** Seeded 64-bit key of this exact address. */
    public long key() {
        return key;
    }

    /** Seeded 64-bit key of this address's network (/24 IPv4, /64 IPv6). */
    public long prefixKey() {
        return prefixKey;
    }

    public InetAddress inetAddress() {
        return inet;
    }

    @Override
    public String toString() {
        String t = text;
        if (t == null) {
            t = io.netty.util.NetUtil.toAddressString(inet); // RFC 5952 form for IPv6 ("::1")
            int zone = t.indexOf('%');
            if (zone >= 0) {
                t = t.substring(0, zone);
            }
            text = t;
        }
        return t;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ClientAddress && ((ClientAddress) o).ipv6 == ipv6
                && ((ClientAddress) o).hi == hi && ((ClientAddress) o).lo == lo;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(key);
    }
}

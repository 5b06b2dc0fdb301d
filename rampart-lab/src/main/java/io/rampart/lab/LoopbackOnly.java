package io.rampart.lab;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;

/**
 * The lab's one safety rule: it sends traffic only to 127.0.0.0/8. Every address the lab connects
 * to, listens on or binds a simulated client to passes through here first.
 */
public final class LoopbackOnly {
    private LoopbackOnly() {
    }

    /** The address, or an exception naming it when it is not in 127.0.0.0/8. */
    public static InetAddress require(InetAddress address) {
        byte[] raw = address.getAddress();
        if (raw.length != 4 || raw[0] != 127) {
            throw new IllegalArgumentException(address.getHostAddress()
                    + " is outside 127.0.0.0/8; the lab only sends traffic to loopback");
        }
        return address;
    }

    public static InetSocketAddress require(InetSocketAddress address) {
        if (address.isUnresolved()) {
            throw new IllegalArgumentException(address.getHostString() + " is not an IPv4 literal in 127.0.0.0/8");
        }
        require(address.getAddress());
        return address;
    }

    /** Parses an IPv4 literal (never a name: no DNS lookups) and checks it is in 127.0.0.0/8. */
    public static InetAddress parse(String literal) {
        String[] parts = literal.trim().split("\\.", -1);
        if (parts.length != 4) {
            throw new IllegalArgumentException("'" + literal + "' is not an IPv4 address such as 127.0.0.1");
        }
        byte[] raw = new byte[4];
        for (int i = 0; i < 4; i++) {
            int v;
            try {
                v = Integer.parseInt(parts[i]);
            } catch (NumberFormatException e) {
                v = -1;
            }
            if (v < 0 || v > 255 || parts[i].isEmpty() || parts[i].length() > 3) {
                throw new IllegalArgumentException("'" + literal + "' is not an IPv4 address such as 127.0.0.1");
            }
            raw[i] = (byte) v;
        }
        try {
            return require(InetAddress.getByAddress(raw));
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(e.getMessage(), e);
        }
    }
}

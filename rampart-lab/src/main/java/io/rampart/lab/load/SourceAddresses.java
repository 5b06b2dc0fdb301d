package io.rampart.lab.load;

import io.rampart.lab.Kind;
import io.rampart.lab.LoopbackOnly;
import java.net.InetAddress;
import java.net.UnknownHostException;

/**
 * Gives every simulated client its own source address in 127.0.0.0/8, so a gateway sees thousands
 * of distinct clients on one machine. Each kind has its own range of second octets, so addresses
 * never collide across kinds: visitors 127.10-49.x.y, staff 127.50-59, the office 127.60.0.1,
 * feed readers 127.70, API clients 127.75, flooders 127.100-219, slow attackers 127.220-249.
 * By default every client sits in its own /24 (like home connections or a botnet spread across
 * the Internet) as long as the range has /24s left (250 per second octet); {@code perPrefix}
 * packs several into one /24.
 */
public final class SourceAddresses {
    private SourceAddresses() {
    }

    public static InetAddress of(Kind kind, int index, int perPrefix) {
        if (kind == Kind.OFFICE) {
            return address(60, 0, 1);
        }
        int base;
        int span;
        switch (kind) {
            case VISITOR: base = 10; span = 40; break;
            case STAFF: base = 50; span = 10; break;
            case FEED: base = 70; span = 5; break;
            case API: base = 75; span = 5; break;
            case FLOODER: base = 100; span = 120; break;
            default: base = 220; span = 30; break;
        }
        int network = index / perPrefix;
        int networks = span * 250;
        int lap = network / networks; // past the range's /24s, further clients share them (other host numbers)
        int host = lap * perPrefix + index % perPrefix + 1;
        if (host > 254) {
            throw new IllegalArgumentException("more " + kind.label() + " clients than the lab has addresses for");
        }
        network %= networks;
        return address(base + network / 250, network % 250 + 1, host);
    }

    private static InetAddress address(int b, int c, int d) {
        try {
            return LoopbackOnly.require(InetAddress.getByAddress(new byte[] {127, (byte) b, (byte) c, (byte) d}));
        } catch (UnknownHostException e) {
            throw new IllegalStateException(e);
        }
    }
}

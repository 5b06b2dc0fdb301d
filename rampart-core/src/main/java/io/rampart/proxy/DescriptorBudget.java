package io.rampart.proxy;

import java.lang.management.ManagementFactory;
import java.lang.management.OperatingSystemMXBean;

/**
 * How many client connections the process's file descriptors can hold while keeping some in
 * reserve for everything else: connections to the origins, the admin listener (at most 256), logs,
 * the state and incident files. Client connections may use at most two thirds of the descriptors
 * still free when the gateway starts (the limit less what the process already holds: its jars,
 * event loops, files), so a hoard of client connections meets Rampart's own connection cap (which closes the
 * idlest, {@link ConnectionGate}) before the process runs out of descriptors and starts failing
 * accepts, origin connections and file writes with "Too many open files".
 *
 * <p>The JVM raises its soft limit to the hard one at start, so on a default Linux machine the
 * limit is large (often 524,288 or more) and {@code connections.total} (10,000 by default) stands;
 * under a small hard limit ({@code LimitNOFILE=} in a service unit, {@code ulimit -Hn}) it is
 * lowered, with a warning at start.
 */
final class DescriptorBudget {
    /** The share of the descriptor limit client connections may take. */
    static final double CLIENT_SHARE = 2.0 / 3;

    private DescriptorBudget() {
    }

    /** Descriptors the process may still open (its limit less those open now), or -1 when the platform does not say. */
    static long free() {
        OperatingSystemMXBean os = ManagementFactory.getOperatingSystemMXBean();
        if (os instanceof com.sun.management.UnixOperatingSystemMXBean) {
            com.sun.management.UnixOperatingSystemMXBean unix = (com.sun.management.UnixOperatingSystemMXBean) os;
            return Math.max(0, unix.getMaxFileDescriptorCount() - unix.getOpenFileDescriptorCount());
        }
        return -1;
    }

    /** {@code configured} client connections, lowered to fit {@code freeDescriptors} (-1: unknown). */
    static int clientConnections(int configured, long freeDescriptors) {
        if (freeDescriptors < 0) {
            return configured;
        }
        return (int) Math.max(1, Math.min(configured, (long) (freeDescriptors * CLIENT_SHARE)));
    }
}

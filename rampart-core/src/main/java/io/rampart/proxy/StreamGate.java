package io.rampart.proxy;

import io.rampart.traffic.ClientAddress;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Open HTTP/2 streams per client address, over all its connections. Entries exist only while a
 * client has streams open, so the map is bounded by the connection gate's open connections.
 */
final class StreamGate {
    private final ConcurrentHashMap<Long, Integer> open = new ConcurrentHashMap<>();

    /** Counts a new stream for {@code client}; false (and not counted) when it already has {@code max}. */
    boolean open(ClientAddress client, int max) {
        int[] now = new int[1];
        open.compute(client.key(), (k, n) -> {
            int c = n == null ? 0 : n;
            if (c >= max) {
                now[0] = -1;
                return n;
            }
            now[0] = c + 1;
            return c + 1;
        });
        return now[0] > 0;
    }

    void closed(ClientAddress client) {
        open.computeIfPresent(client.key(), (k, n) -> n <= 1 ? null : n - 1);
    }
}

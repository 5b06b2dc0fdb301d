package io.rampart.config;

/**
 * Connection caps. When one is reached, the connection that goes is the one doing nothing — open
 * longest without a request in progress — from the same address (per-address cap), the same
 * network (per-network cap) or the most crowded network (the total): a newcomer is not refused
 * while idle connections hold the slots. Only when nothing under the cap is idle is it refused.
 *
 * @param perClient concurrent connections from one client address
 * @param perPrefix concurrent connections from one network (IPv4 /24, IPv6 /48); default a fifth
 *                  of {@code total}, at least {@code perClient}
 * @param total     concurrent client connections on this node
 */
public record ConnectionsConfig(Integer perClient, Integer perPrefix, Integer total) {
    public static final ConnectionsConfig DEFAULT = new ConnectionsConfig(null, null, null);

    public ConnectionsConfig {
        perClient = perClient == null ? 64 : perClient;
        total = total == null ? 10_000 : total;
        perPrefix = perPrefix == null ? Math.max(perClient, total / 5) : perPrefix;
    }
}

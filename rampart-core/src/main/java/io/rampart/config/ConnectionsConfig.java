package io.rampart.config;

/**
 * Connection caps. New connections over a cap are closed at accept, so clients already being
 * served keep their connections.
 *
 * @param perClient concurrent connections from one client address
 * @param total     concurrent client connections on this node
 */
public record ConnectionsConfig(Integer perClient, Integer total) {
    public static final ConnectionsConfig DEFAULT = new ConnectionsConfig(null, null);

    public ConnectionsConfig {
        perClient = perClient == null ? 64 : perClient;
        total = total == null ? 10_000 : total;
    }
}

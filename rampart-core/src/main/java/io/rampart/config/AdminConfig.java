package io.rampart.config;

/**
 * The admin listener: {@code /metrics}, {@code /healthz}, the admin API under {@code /api/} and the
 * dashboard; loopback unless configured otherwise.
 *
 * @param address   {@code host:port}
 * @param enabled   whether it listens at all
 * @param tokenFile a file holding the API token (else {@code RAMPART_ADMIN_TOKEN}, else one is
 *                  generated at first start and kept in the data directory, owner-only)
 */
public record AdminConfig(String address, Boolean enabled, String tokenFile) {
    public static final AdminConfig DEFAULT = new AdminConfig("127.0.0.1:9090", true, null);

    public AdminConfig {
        address = address == null ? DEFAULT_ADDRESS : address;
        enabled = enabled == null || enabled;
    }

    public AdminConfig(String address, Boolean enabled) {
        this(address, enabled, null);
    }

    private static final String DEFAULT_ADDRESS = "127.0.0.1:9090";
}

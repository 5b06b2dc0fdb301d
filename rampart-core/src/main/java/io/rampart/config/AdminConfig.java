package io.rampart.config;

/** The admin listener ({@code /metrics}, {@code /healthz}); loopback unless configured otherwise. */
public record AdminConfig(String address, Boolean enabled) {
    public static final AdminConfig DEFAULT = new AdminConfig("127.0.0.1:9090", true);

    public AdminConfig {
        address = address == null ? DEFAULT_ADDRESS : address;
        enabled = enabled == null || enabled;
    }

    private static final String DEFAULT_ADDRESS = "127.0.0.1:9090";
}

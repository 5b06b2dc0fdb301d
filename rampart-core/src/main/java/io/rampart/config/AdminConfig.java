package io.rampart.config;

import java.util.List;

/**
 * The admin listener: {@code /metrics}, {@code /healthz}, the admin API under {@code /api/} and the
 * dashboard; loopback unless configured otherwise.
 *
 * @param address   {@code host:port}
 * @param enabled   whether it listens at all
 * @param tokenFile a file holding the API token (else {@code RAMPART_ADMIN_TOKEN}, else one is
 *                  generated at first start and kept in the data directory, owner-only); whoever
 *                  holds it is the operator named {@code admin}
 * @param users     named operators, each with a role and the SHA-256 of their token
 * @param usersFile a file of more named operators, one per line: {@code NAME ROLE SHA256HEX}
 */
public record AdminConfig(String address, Boolean enabled, String tokenFile, List<UserConfig> users, String usersFile) {
    public static final AdminConfig DEFAULT = new AdminConfig("127.0.0.1:9090", true, null);

    /** What a named operator may do. */
    public static final String VIEWER = "viewer";
    public static final String OPERATOR = "operator";

    /**
     * One named operator.
     *
     * @param name        shown in the audit trail and the incident timelines
     * @param role        {@code viewer} (reads everything, changes nothing: a wall screen) or
     *                    {@code operator} (everything the API can do)
     * @param tokenSha256 the SHA-256 of the operator's token, in hex (the token itself is never stored)
     */
    public record UserConfig(String name, String role, String tokenSha256) {
    }

    public AdminConfig {
        address = address == null ? DEFAULT_ADDRESS : address;
        enabled = enabled == null || enabled;
        users = users == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(users));
    }

    public AdminConfig(String address, Boolean enabled, String tokenFile) {
        this(address, enabled, tokenFile, null, null);
    }

    public AdminConfig(String address, Boolean enabled) {
        this(address, enabled, null);
    }

    /** The same settings on another address ({@code run --admin}). */
    public AdminConfig withAddress(String next) {
        return new AdminConfig(next, true, tokenFile, users, usersFile);
    }

    private static final String DEFAULT_ADDRESS = "127.0.0.1:9090";
}

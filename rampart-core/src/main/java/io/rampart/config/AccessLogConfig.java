package io.rampart.config;

/**
 * The JSON access log.
 *
 * @param path                 a file, {@code -} for standard output, or {@code off}
 * @param rejectedPerSecond    rejected requests written per second at most; the rest are counted and
 *                             summarised once a second, so a flood cannot turn the log into a DoS vector
 */
public record AccessLogConfig(String path, Integer rejectedPerSecond) {
    public static final AccessLogConfig DEFAULT = new AccessLogConfig(null, null);

    public AccessLogConfig {
        path = path == null ? "-" : path;
        if ("false".equals(path)) {
            path = "off"; // YAML 1.1 reads an unquoted `off` as false, which arrives here as the text "false"
        }
        rejectedPerSecond = rejectedPerSecond == null ? 20 : rejectedPerSecond;
    }
}

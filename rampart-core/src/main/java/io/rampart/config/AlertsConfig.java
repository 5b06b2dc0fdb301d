package io.rampart.config;

import java.time.Duration;
import java.util.List;

/**
 * Where incident alerts go (on open, escalation and close): webhooks and email. Sent from a
 * thread of their own with retries, never from the data plane.
 *
 * @param webhooks    HTTP endpoints that receive a JSON POST per alert
 * @param email       an SMTP server and recipients, or none
 * @param maxAttempts tries per alert and destination before it is given up (and logged)
 * @param firstRetry  wait before the second try; it doubles for each further try (at most 5 min)
 */
public record AlertsConfig(List<WebhookConfig> webhooks, EmailConfig email, Integer maxAttempts, Duration firstRetry) {
    public static final AlertsConfig DEFAULT = new AlertsConfig(null, null, null, null);

    public AlertsConfig {
        webhooks = webhooks == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(webhooks));
        maxAttempts = maxAttempts == null ? 6 : maxAttempts;
        firstRetry = firstRetry == null ? Duration.ofSeconds(2) : firstRetry;
    }

    /**
     * One webhook.
     *
     * @param url    {@code http://} or {@code https://} address
     * @param format {@code json} (Rampart's own body) or {@code slack} (a body Slack, Mattermost
     *               and Rocket.Chat incoming webhooks accept)
     */
    public record WebhookConfig(String url, String format) {
        public WebhookConfig {
            format = format == null ? "json" : format;
        }
    }

    /**
     * Email through an SMTP server.
     *
     * @param server      {@code host:port}
     * @param from        sender address
     * @param to          recipients
     * @param username    login, if the server wants one
     * @param passwordEnv the environment variable holding the password (never the password itself)
     * @param startTls    require STARTTLS before sending (default: use it when offered)
     */
    public record EmailConfig(String server, String from, List<String> to, String username, String passwordEnv,
                              Boolean startTls) {
        public EmailConfig {
            to = to == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(to));
            startTls = startTls != null && startTls;
        }
    }
}

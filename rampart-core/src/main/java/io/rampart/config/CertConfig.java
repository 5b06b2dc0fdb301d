package io.rampart.config;

import java.util.List;

/**
 * Where incident reports go when an operator sends them to the national CERT: by email (through
 * {@code alerts.email}'s SMTP server) and/or as a POST to an endpoint.
 *
 * @param to            the CERT's reporting addresses; the report is the mail's HTML body and the
 *                      STIX bundle its attachment
 * @param url           an {@code https://} (or {@code http://}) endpoint that takes the report as JSON
 * @param tokenEnv      an environment variable holding a bearer token for {@code url}, read at each send
 * @param updateOnClose whether an incident already reported is reported again, as an update, when
 *                      it closes (default true)
 */
public record CertConfig(List<String> to, String url, String tokenEnv, Boolean updateOnClose) {
    public static final CertConfig NONE = new CertConfig(null, null, null, null);

    public CertConfig {
        to = to == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(to));
        updateOnClose = updateOnClose == null || updateOnClose;
    }

    /** Whether any destination is configured. */
    public boolean any() {
        return !to.isEmpty() || url != null;
    }
}

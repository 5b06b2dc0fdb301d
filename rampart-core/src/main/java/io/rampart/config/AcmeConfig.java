package io.rampart.config;

import java.time.Duration;

/**
 * Automatic certificates (ACME, RFC 8555) for sites marked {@code acme: true}: obtained and renewed
 * by Rampart itself, answering the CA's HTTP-01 challenge on its plain-HTTP listener.
 *
 * @param directory     the CA's ACME directory ({@code https://acme-v02.api.letsencrypt.org/directory}
 *                      by default; Let's Encrypt's staging, ZeroSSL, a private step-ca, pebble)
 * @param email         the account's contact address (expiry notices)
 * @param caCertificate a PEM file of the CA the directory's HTTPS certificate chains to, when that
 *                      is not a public one (a private CA, a test CA)
 * @param renewBefore   renew this long before expiry
 * @param retry         after a failed attempt, wait this long before the next (doubling, at most a day)
 * @param challenge     {@code http-01} (answered on the plain-HTTP listener, port 80 for a public CA)
 *                      or {@code tls-alpn-01} (answered on the TLS listener, port 443: no port 80 needed)
 */
public record AcmeConfig(String directory, String email, String caCertificate, Duration renewBefore, Duration retry,
                         String challenge) {
    public static final AcmeConfig DEFAULT = new AcmeConfig(null, null, null, null, null, null);
    public static final String HTTP_01 = "http-01";
    public static final String TLS_ALPN_01 = "tls-alpn-01";

    public AcmeConfig {
        directory = directory == null ? "https://acme-v02.api.letsencrypt.org/directory" : directory;
        renewBefore = renewBefore == null ? Duration.ofDays(30) : renewBefore;
        retry = retry == null ? Duration.ofMinutes(5) : retry;
        challenge = challenge == null ? HTTP_01 : challenge;
    }
}

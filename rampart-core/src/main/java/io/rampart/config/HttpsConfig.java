package io.rampart.config;

/**
 * A site's HTTPS policy.
 *
 * @param redirect requests that arrive over plain HTTP get {@code 308} to the same URL over HTTPS
 *                 (except {@code /.well-known/acme-challenge/}, which certificate authorities fetch over HTTP)
 * @param port     the HTTPS port in the redirect (default 443, left out of the URL)
 * @param hsts     the {@code Strict-Transport-Security} value sent on HTTPS responses, for example
 *                 {@code max-age=31536000; includeSubDomains} (none: not sent)
 */
public record HttpsConfig(Boolean redirect, Integer port, String hsts) {
    public static final HttpsConfig NONE = new HttpsConfig(false, 443, null);

    public HttpsConfig {
        redirect = redirect != null && redirect;
        port = port == null ? 443 : port;
    }
}

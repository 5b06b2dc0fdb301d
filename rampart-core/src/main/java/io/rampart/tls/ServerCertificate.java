package io.rampart.tls;

import io.netty.handler.ssl.SslContext;
import java.time.Instant;
import java.util.List;

/**
 * One certificate chain ready to serve: the TLS context built from it, the DNS names it is valid
 * for (subject alternative names, else the common name), and when it expires.
 */
public record ServerCertificate(String source, List<String> names, Instant notAfter, String subject, SslContext context) {
}

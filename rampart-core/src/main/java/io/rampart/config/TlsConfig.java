package io.rampart.config;

import java.util.List;

/**
 * TLS on a listener: the certificates (each chosen by SNI for the names it carries, the first
 * also for clients that send no or an unknown name), protocol versions, and the engine.
 *
 * @param certificates PEM certificate chains and their keys (RSA or ECDSA, PKCS#8 or traditional)
 * @param protocols    {@code TLSv1.3} and/or {@code TLSv1.2} (default both; nothing older is offered)
 * @param engine       {@code auto} (OpenSSL through netty-tcnative when it loads, else the JDK),
 *                     {@code openssl} or {@code jdk}
 * @param http2        offer HTTP/2 through ALPN (default true)
 */
public record TlsConfig(List<CertificateConfig> certificates, List<String> protocols, String engine, Boolean http2) {
    public TlsConfig {
        certificates = certificates == null ? List.of() : List.copyOf(certificates);
        protocols = protocols == null ? List.of("TLSv1.3", "TLSv1.2") : List.copyOf(protocols);
        engine = engine == null ? "auto" : engine;
        http2 = http2 == null || http2;
    }

    /** One certificate chain and its private key, PEM files. */
    public record CertificateConfig(String cert, String key) {
    }
}

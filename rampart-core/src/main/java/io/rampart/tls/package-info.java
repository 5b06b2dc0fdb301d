/**
 * TLS termination, first on an accepted connection after the connection gate: certificates from
 * PEM files chosen by SNI ({@link io.rampart.tls.CertificateSet}), the engine (OpenSSL/BoringSSL
 * through netty-tcnative, or the JDK's), TLS 1.2 and 1.3 with modern cipher suites, ALPN
 * ({@code h2}, {@code http/1.1}), session resumption, and reloading certificates without dropping
 * a connection ({@link io.rampart.tls.TlsTerminator}). Handshakes that do not finish within the
 * request-head deadline are closed.
 */
package io.rampart.tls;

package io.rampart.config;

/**
 * A front listener: where clients connect, whether a PROXY protocol header (v1 or v2) precedes
 * each connection, whether it speaks TLS, and whether plain-text HTTP/2 with prior knowledge (h2c)
 * is accepted (behind a load balancer that terminates TLS).
 */
public record ListenerConfig(String address, Boolean proxyProtocol, TlsConfig tls, Boolean h2c) {
    public static final ListenerConfig DEFAULT = new ListenerConfig("127.0.0.1:8000", false);

    public ListenerConfig {
        proxyProtocol = proxyProtocol != null && proxyProtocol;
        h2c = h2c != null && h2c;
    }

    public ListenerConfig(String address, Boolean proxyProtocol) {
        this(address, proxyProtocol, null, null);
    }

    /** Whether this listener terminates TLS. */
    public boolean secure() {
        return tls != null;
    }
}

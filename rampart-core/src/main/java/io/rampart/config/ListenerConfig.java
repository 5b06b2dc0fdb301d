package io.rampart.config;

/** A front listener: where clients connect, and whether a PROXY protocol header (v1 or v2) precedes each connection. */
public record ListenerConfig(String address, Boolean proxyProtocol) {
    public static final ListenerConfig DEFAULT = new ListenerConfig("127.0.0.1:8000", false);

    public ListenerConfig {
        proxyProtocol = proxyProtocol != null && proxyProtocol;
    }
}

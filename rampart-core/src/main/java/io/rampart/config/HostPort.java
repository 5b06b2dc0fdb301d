package io.rampart.config;

import java.net.InetSocketAddress;

/**
 * A listen address: {@code 127.0.0.1:8000}, {@code [::1]:8000}, {@code [::]:80} or {@code :8000}
 * (all interfaces). Parsing never resolves names other than literals and {@code localhost}.
 */
public record HostPort(String host, int port) {
    public static HostPort parse(String text) {
        String s = text.trim();
        int colon = s.lastIndexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("expected host:port such as 127.0.0.1:8000 or [::1]:8000, got '" + text + "'");
        }
        String host = s.substring(0, colon);
        String portText = s.substring(colon + 1);
        if (host.startsWith("[")) {
            if (!host.endsWith("]")) {
                throw new IllegalArgumentException("unclosed '[' in IPv6 address '" + text + "'");
            }
            host = host.substring(1, host.length() - 1);
        } else if (host.indexOf(':') >= 0) {
            throw new IllegalArgumentException("IPv6 addresses need brackets, such as [::1]:8000, got '" + text + "'");
        }
        if (host.isEmpty()) {
            host = "0.0.0.0";
        }
        int port;
        try {
            port = Integer.parseInt(portText);
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("port must be a number from 0 to 65535, got '" + portText + "'");
        }
        if (port < 0 || port > 65535) {
            throw new IllegalArgumentException("port must be a number from 0 to 65535, got " + port);
        }
        return new HostPort(host, port);
    }

    public InetSocketAddress toSocketAddress() {
        return new InetSocketAddress(host, port);
    }

    @Override
    public String toString() {
        return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}

package io.rampart.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** An origin address written as {@code http://host:port} (port defaults to 80). */
public record UpstreamUrl(String host, int port) {
    public static UpstreamUrl parse(String text) {
        URI uri;
        try {
            uri = new URI(text.trim());
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("expected a URL such as http://127.0.0.1:8080, got '" + text + "'");
        }
        String scheme = uri.getScheme() == null ? null : uri.getScheme().toLowerCase(Locale.ROOT);
        if ("https".equals(scheme)) {
            throw new IllegalArgumentException("https origins are not supported yet (TLS towards origins is a later issue): '" + text + "'");
        }
        if (!"http".equals(scheme) || uri.getHost() == null) {
            throw new IllegalArgumentException("expected a URL such as http://127.0.0.1:8080, got '" + text + "'");
        }
        if (uri.getRawPath() != null && !uri.getRawPath().isEmpty() && !"/".equals(uri.getRawPath())
                || uri.getRawQuery() != null || uri.getRawFragment() != null || uri.getRawUserInfo() != null) {
            throw new IllegalArgumentException("an upstream is scheme://host:port only, without path, query or credentials: '" + text + "'");
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new UpstreamUrl(host, uri.getPort() < 0 ? 80 : uri.getPort());
    }

    /** The value to send in {@code Host} when it is not passed through. */
    public String authority() {
        String h = host.indexOf(':') >= 0 ? "[" + host + "]" : host;
        return port == 80 ? h : h + ":" + port;
    }

    @Override
    public String toString() {
        return "http://" + authority();
    }
}

package io.rampart.tls;

import io.netty.handler.ssl.SslContext;
import io.netty.util.Mapping;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A listener's certificates by the names they carry: an exact name first ({@code www.example.org}),
 * then a wildcard one level up ({@code *.example.org}), else the first certificate (the default,
 * also for clients that send no SNI). Immutable; a reload builds a new set.
 */
public final class CertificateSet implements Mapping<String, SslContext> {
    private final List<ServerCertificate> certificates;
    private final Map<String, ServerCertificate> exact = new HashMap<>();
    private final Map<String, ServerCertificate> wildcard = new HashMap<>();

    public CertificateSet(List<ServerCertificate> certificates) {
        if (certificates.isEmpty()) {
            throw new IllegalArgumentException("a TLS listener needs at least one certificate");
        }
        this.certificates = List.copyOf(certificates);
        for (ServerCertificate c : certificates) {
            for (String n : c.names()) {
                if (n.startsWith("*.")) {
                    wildcard.putIfAbsent(n.substring(2), c);
                } else {
                    exact.putIfAbsent(n, c);
                }
            }
        }
    }

    /** The certificate for {@code serverName} (SNI; null or unknown: the default). */
    public ServerCertificate select(String serverName) {
        if (serverName != null) {
            String n = serverName.toLowerCase(Locale.ROOT);
            if (n.endsWith(".")) {
                n = n.substring(0, n.length() - 1);
            }
            ServerCertificate c = exact.get(n);
            if (c != null) {
                return c;
            }
            int dot = n.indexOf('.');
            if (dot > 0) {
                c = wildcard.get(n.substring(dot + 1));
                if (c != null) {
                    return c;
                }
            }
        }
        return certificates.get(0);
    }

    @Override
    public SslContext map(String serverName) {
        return select(serverName).context();
    }

    public List<ServerCertificate> certificates() {
        return certificates;
    }
}

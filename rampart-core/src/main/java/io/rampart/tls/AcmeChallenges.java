package io.rampart.tls;

import io.netty.handler.ssl.SslContext;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Challenge answers waiting for the CA while an order is in progress. HTTP-01: token to key
 * authorization; the data plane answers {@code GET /.well-known/acme-challenge/TOKEN} from here
 * before any routing, limit or challenge (the CA's validators must always get through).
 * TLS-ALPN-01: host name to a TLS context holding the validation certificate; a TLS listener
 * hands it to a handshake that offers only the {@code acme-tls/1} protocol for that name.
 */
public final class AcmeChallenges {
    public static final String PREFIX = "/.well-known/acme-challenge/";
    /** The ALPN protocol of TLS-ALPN-01 (RFC 8737). */
    public static final String ACME_TLS = "acme-tls/1";
    private final ConcurrentHashMap<String, String> answers = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, SslContext> tlsAlpn = new ConcurrentHashMap<>();

    public void putTlsAlpn(String host, SslContext validation) {
        tlsAlpn.put(host.toLowerCase(Locale.ROOT), validation);
    }

    public void removeTlsAlpn(String host) {
        tlsAlpn.remove(host.toLowerCase(Locale.ROOT));
    }

    /** The validation context for {@code host}, or null when none is pending. */
    public SslContext tlsAlpn(String host) {
        return tlsAlpn.isEmpty() || host == null ? null : tlsAlpn.get(host.toLowerCase(Locale.ROOT));
    }

    public boolean tlsAlpnPending() {
        return !tlsAlpn.isEmpty();
    }

    public void put(String token, String keyAuthorization) {
        answers.put(token, keyAuthorization);
    }

    public void remove(String token) {
        answers.remove(token);
    }

    /** The answer for a request target, or null when it is not a pending challenge. */
    public String answer(String target) {
        if (answers.isEmpty() || !target.startsWith(PREFIX)) {
            return null;
        }
        return answers.get(target.substring(PREFIX.length()));
    }
}

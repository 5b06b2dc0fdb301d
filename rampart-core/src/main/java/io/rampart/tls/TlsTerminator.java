package io.rampart.tls;

import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslProvider;
import io.rampart.config.TlsConfig;
import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One TLS listener's certificates and engine. The set is read through a volatile field at each
 * handshake, so {@link #reload} (a configuration reload, {@code SIGHUP}, a renewed certificate)
 * takes effect for the next handshake and leaves established connections alone. A reload that
 * fails keeps the certificates in service and says why.
 */
public final class TlsTerminator {
    private static final Logger LOG = LoggerFactory.getLogger(TlsTerminator.class);
    private final String listener;
    private final SslProvider provider;
    private volatile TlsConfig config;
    private volatile CertificateSet set;

    /**
     * @throws IllegalArgumentException naming the certificate file at fault
     */
    public TlsTerminator(String listener, TlsConfig config) {
        this.listener = listener;
        this.provider = TlsEngines.pick(config.engine());
        this.config = config;
        this.set = load(config);
        LOG.info("TLS on {} ({} engine): {}", listener, TlsEngines.name(provider), describe(set));
    }

    private CertificateSet load(TlsConfig c) {
        List<ServerCertificate> certs = new ArrayList<>();
        for (int i = 0; i < c.certificates().size(); i++) {
            try {
                certs.add(CertificateLoader.load(c.certificates().get(i), c, provider));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(listener + ".tls.certificates[" + i + "]: " + e.getMessage(), e);
            }
        }
        certs.addAll(managed);
        if (certs.isEmpty()) {
            certs.add(Placeholder.certificate(c, provider)); // ACME has not delivered yet: handshakes get a self-signed stand-in
        }
        return new CertificateSet(certs);
    }

    /** Certificates obtained through ACME (replacing the previous ones), served after the configured ones. */
    private volatile List<ServerCertificate> managed = List.of();

    /**
     * Serves these ACME-managed certificates ({cert, key} files) alongside the configured ones.
     *
     * @throws IllegalArgumentException when one cannot be loaded; the certificates in service stay
     */
    public synchronized void manage(List<java.nio.file.Path[]> files) {
        List<ServerCertificate> loaded = new ArrayList<>();
        for (java.nio.file.Path[] f : files) {
            loaded.add(CertificateLoader.load(new TlsConfig.CertificateConfig(f[0].toString(), f[1].toString()), config, provider));
        }
        managed = List.copyOf(loaded);
        set = load(config);
        LOG.info("TLS certificates on {} now: {}", listener, describe(set));
    }

    /**
     * Reads the certificate files again ({@code next}: possibly another list of them).
     *
     * @throws IllegalArgumentException when one cannot be loaded; the certificates in service stay
     */
    public synchronized void reload(TlsConfig next) {
        CertificateSet fresh = load(next);
        config = next;
        set = fresh;
        LOG.info("TLS certificates reloaded on {}: {}", listener, describe(fresh));
    }

    /** Reads the same files again (a renewed certificate). */
    public void reload() {
        reload(config);
    }

    private volatile AcmeChallenges acme;

    /** Answers TLS-ALPN-01 validations pending in {@code challenges} on this listener. */
    public void answerAcme(AcmeChallenges challenges) {
        this.acme = challenges;
    }

    public CertificateSet certificates() {
        return set;
    }

    public String engine() {
        return TlsEngines.name(provider);
    }

    /**
     * The first handler of a TLS connection: reads the ClientHello (its JA4 fingerprint goes to
     * {@code ja4}, its SNI chooses the certificate), then hands over to TLS.
     */
    public SniHandler newSniHandler(long handshakeTimeoutMillis, java.util.function.Consumer<String> ja4) {
        return new SniHandler(name -> set.map(name), 16 * 1024, handshakeTimeoutMillis) {
            private boolean acmeValidation;

            @Override
            protected io.netty.util.concurrent.Future<SslContext> lookup(io.netty.channel.ChannelHandlerContext ctx,
                                                                          io.netty.buffer.ByteBuf clientHello) throws Exception {
                ja4.accept(Ja4.of(clientHello));
                AcmeChallenges a = acme;
                acmeValidation = a != null && a.tlsAlpnPending() && Ja4.offersOnlyAlpn(clientHello, AcmeChallenges.ACME_TLS);
                return super.lookup(ctx, clientHello);
            }

            @Override
            protected io.netty.util.concurrent.Future<SslContext> lookup(io.netty.channel.ChannelHandlerContext ctx, String hostname)
                    throws Exception {
                SslContext validation = acmeValidation ? acme.tlsAlpn(hostname) : null;
                if (validation != null) {
                    return ctx.executor().newSucceededFuture(validation); // a TLS-ALPN-01 validator: its certificate
                }
                return super.lookup(ctx, hostname);
            }

            @Override
            protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
                SslHandler h = super.newSslHandler(context, allocator);
                h.setHandshakeTimeoutMillis(handshakeTimeoutMillis);
                return h;
            }
        };
    }

    private static String describe(CertificateSet s) {
        StringBuilder sb = new StringBuilder();
        for (ServerCertificate c : s.certificates()) {
            sb.append(sb.length() == 0 ? "" : "; ").append(String.join(",", c.names())).append(" until ").append(c.notAfter());
        }
        return sb.toString();
    }
}

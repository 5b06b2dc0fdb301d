package io.rampart.tls;

import io.rampart.config.TlsConfig;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.math.BigInteger;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.cert.X509Certificate;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Date;
import java.util.List;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * A self-signed certificate for {@code rampart.invalid}, made in memory, served by a TLS listener
 * that has no certificate yet (every site on it waits for ACME). Browsers refuse it, which is
 * right: there is nothing valid to offer until the CA has issued.
 */
final class Placeholder {
    private Placeholder() {
    }

    static ServerCertificate certificate(TlsConfig tls, SslProvider provider) {
        try {
            KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
            g.initialize(new ECGenParameterSpec("secp256r1"));
            KeyPair kp = g.generateKeyPair();
            Instant now = Instant.now();
            X500Name name = new X500Name("CN=rampart.invalid");
            JcaX509v3CertificateBuilder b = new JcaX509v3CertificateBuilder(name, BigInteger.valueOf(now.toEpochMilli()),
                    Date.from(now.minus(1, ChronoUnit.HOURS)), Date.from(now.plus(7, ChronoUnit.DAYS)), name, kp.getPublic());
            X509Certificate cert = new JcaX509CertificateConverter().getCertificate(
                    b.build(new JcaContentSignerBuilder("SHA256withECDSA").build(kp.getPrivate())));
            return new ServerCertificate("(placeholder)", List.of("rampart.invalid"), cert.getNotAfter().toInstant(),
                    cert.getSubjectX500Principal().getName(),
                    SslContextBuilder.forServer(kp.getPrivate(), cert).sslProvider(provider).protocols(tls.protocols()).build());
        } catch (Exception e) {
            throw new IllegalStateException("cannot make a placeholder certificate: " + e.getMessage(), e);
        }
    }
}

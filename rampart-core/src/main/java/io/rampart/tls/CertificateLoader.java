package io.rampart.tls;

import io.netty.handler.codec.http2.Http2SecurityUtil;
import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.SupportedCipherSuiteFilter;
import io.rampart.config.TlsConfig;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.PrivateKey;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;

/**
 * Builds a {@link ServerCertificate} from PEM files: the chain is read for its names and expiry,
 * the key (PKCS#8, {@code BEGIN PRIVATE KEY}, RSA or EC) goes to the engine. TLS 1.3 and 1.2 only;
 * for 1.2 the suites are the forward-secret AEAD ones HTTP/2 allows (RFC 7540 appendix A blocks the rest).
 * Session resumption: a session cache of 20,480 entries for five minutes, and tickets where the
 * engine issues them (BoringSSL rotates their keys itself).
 */
public final class CertificateLoader {
    private CertificateLoader() {
    }

    /**
     * @throws IllegalArgumentException naming the file and what is wrong with it
     */
    public static ServerCertificate load(TlsConfig.CertificateConfig c, TlsConfig tls, SslProvider provider) {
        Path cert = Path.of(c.cert());
        Path key = Path.of(c.key());
        List<X509Certificate> chain = readChain(cert);
        X509Certificate leaf = chain.get(0);
        List<String> names = names(leaf);
        if (names.isEmpty()) {
            throw new IllegalArgumentException(cert + ": the certificate names no DNS host (no subjectAltName DNS entry or CN)");
        }
        PrivateKey privateKey = readKey(key, leaf);
        List<String> alpn = tls.http2() ? List.of(ApplicationProtocolNames.HTTP_2, ApplicationProtocolNames.HTTP_1_1)
                : List.of(ApplicationProtocolNames.HTTP_1_1);
        SslContext context;
        try {
            context = SslContextBuilder.forServer(privateKey, chain)
                    .sslProvider(provider)
                    .protocols(tls.protocols())
                    .ciphers(Http2SecurityUtil.CIPHERS, SupportedCipherSuiteFilter.INSTANCE)
                    .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                            ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                            ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, alpn))
                    .sessionCacheSize(20_480)
                    .sessionTimeout(300)
                    .build();
        } catch (javax.net.ssl.SSLException | IllegalArgumentException e) {
            throw new IllegalArgumentException(cert + " with " + key + ": " + rootMessage(e));
        }
        return new ServerCertificate(cert.toString(), names, leaf.getNotAfter().toInstant(),
                leaf.getSubjectX500Principal().getName(), context);
    }

    /**
     * Reads a PKCS#8 PEM private key and checks that it belongs to {@code leaf} (a signature made
     * with it verifies with the certificate's public key), so a mismatch is refused at load, not
     * discovered at the first handshake.
     */
    static PrivateKey readKey(Path file, X509Certificate leaf) {
        String text;
        try {
            text = Files.readString(file, java.nio.charset.StandardCharsets.US_ASCII);
        } catch (IOException | java.io.UncheckedIOException e) {
            throw new IllegalArgumentException(file + ": cannot read the private key");
        }
        if (text.contains("BEGIN RSA PRIVATE KEY") || text.contains("BEGIN EC PRIVATE KEY")) {
            throw new IllegalArgumentException(file + ": the key is in the traditional format; convert it to PKCS#8 with "
                    + "'openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName() + " -out key.pk8.pem'");
        }
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new IllegalArgumentException(file + ": no PEM private key in it (expected BEGIN PRIVATE KEY; encrypted keys are not supported)");
        }
        PrivateKey k;
        String algorithm = leaf.getPublicKey().getAlgorithm();
        try {
            byte[] der = java.util.Base64.getMimeDecoder().decode(text.substring(begin + 27, end));
            k = java.security.KeyFactory.getInstance(algorithm).generatePrivate(new java.security.spec.PKCS8EncodedKeySpec(der));
        } catch (IllegalArgumentException | java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": not a PKCS#8 " + algorithm + " private key (" + rootMessage(e) + ")");
        }
        try {
            String sig = "RSA".equals(algorithm) ? "SHA256withRSA" : "SHA256withECDSA";
            byte[] probe = "rampart key check".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
            java.security.Signature signer = java.security.Signature.getInstance(sig);
            signer.initSign(k);
            signer.update(probe);
            byte[] signature = signer.sign();
            java.security.Signature verifier = java.security.Signature.getInstance(sig);
            verifier.initVerify(leaf.getPublicKey());
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new IllegalArgumentException(file + ": this key does not belong to the certificate");
            }
        } catch (java.security.GeneralSecurityException e) {
            throw new IllegalArgumentException(file + ": this key does not belong to the certificate (" + rootMessage(e) + ")");
        }
        return k;
    }

    private static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    static List<X509Certificate> readChain(Path file) {
        if (!Files.isReadable(file)) {
            throw new IllegalArgumentException(file + ": cannot read the certificate file");
        }
        try (InputStream in = Files.newInputStream(file)) {
            Collection<? extends java.security.cert.Certificate> all = CertificateFactory.getInstance("X.509").generateCertificates(in);
            List<X509Certificate> out = new ArrayList<>();
            for (java.security.cert.Certificate x : all) {
                out.add((X509Certificate) x);
            }
            if (out.isEmpty()) {
                throw new IllegalArgumentException(file + ": no PEM certificate in it (expected BEGIN CERTIFICATE)");
            }
            return out;
        } catch (IOException | CertificateException e) {
            throw new IllegalArgumentException(file + ": not a PEM certificate chain (" + e.getMessage() + ")");
        }
    }

    /** The DNS names a certificate is valid for, lower case: its DNS subject alternative names, else its CN. */
    static List<String> names(X509Certificate c) {
        List<String> out = new ArrayList<>();
        try {
            Collection<List<?>> sans = c.getSubjectAlternativeNames();
            if (sans != null) {
                for (List<?> san : sans) {
                    if (Integer.valueOf(2).equals(san.get(0))) {
                        out.add(((String) san.get(1)).toLowerCase(Locale.ROOT));
                    }
                }
            }
        } catch (CertificateParsingException e) {
            throw new IllegalArgumentException("cannot read the certificate's names: " + e.getMessage());
        }
        if (out.isEmpty()) {
            try {
                for (Rdn rdn : new LdapName(c.getSubjectX500Principal().getName()).getRdns()) {
                    if ("CN".equalsIgnoreCase(rdn.getType())) {
                        out.add(rdn.getValue().toString().toLowerCase(Locale.ROOT));
                    }
                }
            } catch (InvalidNameException e) {
                // no usable CN
            }
        }
        return out;
    }

}

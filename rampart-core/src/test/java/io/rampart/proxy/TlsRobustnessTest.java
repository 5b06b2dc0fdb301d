package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rampart.config.ConfigException;
import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.RawHttp;
import io.rampart.testing.TestCertificates;
import io.rampart.testing.TestOrigin;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.TrustManagerFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TLS under bad input and change: plain text and silence on a TLS port, certificate files that
 * are missing or wrong (a precise error at start, a refused reload that keeps the certificates in
 * service), and a certificate renewed while connections stay open.
 */
class TlsRobustnessTest {
    @TempDir
    static Path dir;
    static TestCertificates certs;
    static TestOrigin origin;
    static Path cert;
    static Path key;

    @BeforeAll
    static void setUp() throws Exception {
        certs = new TestCertificates(dir);
        Path[] first = certs.leaf("site", true, "campaign.example");
        cert = dir.resolve("live.pem");
        key = dir.resolve("live.key");
        Files.copy(first[0], cert);
        Files.copy(first[1], key);
        origin = new TestOrigin();
    }

    @AfterAll
    static void stop() {
        origin.close();
    }

    private static String yaml() {
        return "listeners:\n  - address: 127.0.0.1:0\n    tls: {certificates: [{cert: " + cert + ", key: " + key + "}]}\n"
                + "timeouts: {requestHead: 1s}\nsites:\n  - {name: s, hosts: ['*'], upstreams: [ORIGIN]}\n";
    }

    private static SSLSocket client(int port) throws Exception {
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(certs.caCert)) {
            trust.setCertificateEntry("ca", CertificateFactory.getInstance("X.509").generateCertificate(in));
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket("127.0.0.1", port);
        SSLParameters p = s.getSSLParameters();
        p.setServerNames(java.util.List.of(new SNIHostName("campaign.example")));
        p.setEndpointIdentificationAlgorithm("HTTPS");
        s.setSSLParameters(p);
        s.setSoTimeout(5000);
        s.startHandshake();
        return s;
    }

    private static String get(SSLSocket s, String path) throws Exception {
        OutputStream out = s.getOutputStream();
        out.write(("GET " + path + " HTTP/1.1\r\nHost: campaign.example\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        out.flush();
        BufferedReader in = new BufferedReader(new InputStreamReader(s.getInputStream(), StandardCharsets.US_ASCII));
        String status = in.readLine();
        int length = 0;
        for (String h; !(h = in.readLine()).isEmpty(); ) {
            if (h.toLowerCase().startsWith("content-length:")) {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        char[] body = new char[length];
        int n = 0;
        while (n < length) {
            n += in.read(body, n, length - n);
        }
        return status;
    }

    private static long serial(SSLSocket s) throws Exception {
        return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber().longValue();
    }

    @Test
    void plainTextOrSilenceOnATlsPort_isClosed_andOthersAreServed() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(yaml(), origin.url())) {
            try (RawHttp plain = new RawHttp(gw.port())) {
                plain.send("GET / HTTP/1.1\r\nHost: campaign.example\r\n\r\n");
                assertThat(plain.closedWithin(2000)).as("plain HTTP on a TLS port").isTrue();
            }
            try (RawHttp silent = new RawHttp(gw.port())) {
                assertThat(silent.closedWithin(3000)).as("no ClientHello within requestHead").isTrue();
            }
            try (SSLSocket s = client(gw.port())) {
                assertThat(get(s, "/echo")).isEqualTo("HTTP/1.1 200 OK");
            }
            assertThat(gw.gateway.metrics().counterValue("rampart.tls.handshake.failures")).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void aRenewedCertificate_servesNewHandshakes_whileOpenConnectionsGoOn_andABrokenOneIsRefused() throws Exception {
        RampartConfig config = new ConfigLoader().parse(yaml().replace("ORIGIN", origin.url()), "t.yml");
        try (GatewayFixture gw = GatewayFixture.start(yaml(), origin.url()); SSLSocket before = client(gw.port())) {
            long oldSerial = serial(before);
            assertThat(get(before, "/echo?1")).isEqualTo("HTTP/1.1 200 OK");
            Path[] renewed = certs.leaf("renewed", false, "campaign.example");
            Files.copy(renewed[0], cert, StandardCopyOption.REPLACE_EXISTING);
            Files.copy(renewed[1], key, StandardCopyOption.REPLACE_EXISTING);
            gw.gateway.tls().get(0).reload();
            try (SSLSocket after = client(gw.port())) {
                assertThat(serial(after)).isNotEqualTo(oldSerial);
                assertThat(get(after, "/echo?2")).isEqualTo("HTTP/1.1 200 OK");
            }
            assertThat(get(before, "/echo?3")).as("the connection opened before the renewal").isEqualTo("HTTP/1.1 200 OK");

            Files.writeString(key, "-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n");
            assertThatThrownBy(() -> gw.gateway.tls().get(0).reload())
                    .hasMessageContaining("listeners[0].tls.certificates[0]").hasMessageContaining(key.toString());
            try (SSLSocket still = client(gw.port())) {
                assertThat(get(still, "/echo?4")).as("the certificate in service stays").isEqualTo("HTTP/1.1 200 OK");
            }
            Files.copy(renewed[1], key, StandardCopyOption.REPLACE_EXISTING);
            assertThat(config.listeners().get(0).secure()).isTrue();
        }
    }

    @Test
    void missingOrWrongCertificateFiles_areNamedPrecisely() throws Exception {
        ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(ConfigException.class, () -> new ConfigLoader().parse(
                "listeners:\n  - address: 127.0.0.1:0\n    h2c: true\n    tls: {engine: gnutls, protocols: [TLSv1.1], certificates: [{cert: /nope.pem, key: /nope.key}]}\n"
                        + "sites:\n  - {name: s, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}\n", "t.yml"));
        assertThat(e.getMessage()).contains("listeners[0].tls.certificates[0].cert: cannot read '/nope.pem'")
                .contains("listeners[0].tls.certificates[0].key").contains("listeners[0].tls.engine").contains("listeners[0].tls.protocols")
                .contains("listeners[0].h2c");
        Path[] other = certs.leaf("other", false, "other.example");
        assertThatThrownBy(() -> GatewayFixture.start("listeners:\n  - address: 127.0.0.1:0\n    tls: {certificates: [{cert: "
                + cert + ", key: " + other[1] + "}]}\nsites:\n  - {name: s, hosts: ['*'], upstreams: [ORIGIN]}\n", origin.url()))
                .hasMessageContaining("listeners[0].tls.certificates[0]").hasMessageContaining(other[1].toString());
        Files.writeString(dir.resolve("junk.pem"), "hello");
        assertThatThrownBy(() -> GatewayFixture.start("listeners:\n  - address: 127.0.0.1:0\n    tls: {certificates: [{cert: "
                + dir.resolve("junk.pem") + ", key: " + key + "}]}\nsites:\n  - {name: s, hosts: ['*'], upstreams: [ORIGIN]}\n", origin.url()))
                .hasMessageContaining("junk.pem").hasMessageContaining("not a PEM certificate chain");
    }
}

package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.TestCertificates;
import io.rampart.testing.TestOrigin;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * TLS termination with real clients on loopback: curl (HTTP/1.1 and HTTP/2 over TLS, SNI for two
 * sites, each with its own certificate, RSA and ECDSA), openssl s_client (protocol versions, the
 * default certificate), on both engines.
 */
class TlsTerminationTest {
    @TempDir
    static Path dir;
    static TestCertificates certs;
    static Path[] campaign;
    static Path[] news;
    static TestOrigin origin;

    @BeforeAll
    static void certificates() throws Exception {
        certs = new TestCertificates(dir);
        campaign = certs.leaf("campaign", false, "campaign.example", "www.campaign.example");
        news = certs.leaf("news", true, "*.news.example");
        origin = new TestOrigin();
    }

    @AfterAll
    static void stop() {
        origin.close();
    }

    private static GatewayFixture gateway(String engine) throws Exception {
        return GatewayFixture.start("listeners:\n  - address: 127.0.0.1:0\n    tls:\n      engine: " + engine + "\n      certificates:\n"
                + "        - {cert: " + campaign[0] + ", key: " + campaign[1] + "}\n"
                + "        - {cert: " + news[0] + ", key: " + news[1] + "}\n"
                + "sites:\n  - {name: campaign, hosts: [campaign.example, www.campaign.example], upstreams: [ORIGIN]}\n"
                + "  - {name: news, hosts: ['*.news.example'], upstreams: [ORIGIN]}\n", origin.url());
    }

    private static TestCertificates.Result curl(int port, String host, String path, String... extra) throws Exception {
        String[] base = {"curl", "-s", "--max-time", "10", "--cacert", certs.caCert.toString(), "--resolve", host + ":" + port + ":127.0.0.1",
                "-w", "\n%{http_code} %{http_version} %{ssl_verify_result}\n"};
        String[] cmd = new String[base.length + extra.length + 1];
        System.arraycopy(base, 0, cmd, 0, base.length);
        System.arraycopy(extra, 0, cmd, base.length, extra.length);
        cmd[cmd.length - 1] = "https://" + host + ":" + port + path;
        return TestCertificates.run(dir, cmd);
    }

    @ParameterizedTest
    @ValueSource(strings = {"openssl", "jdk"})
    void twoSitesOnOneListener_eachGetsItsCertificateBySni_overHttp1AndHttp2(String engine) throws Exception {
        try (GatewayFixture gw = gateway(engine)) {
            TestCertificates.Result a = curl(gw.port(), "campaign.example", "/echo?x=1", "--http1.1");
            assertThat(a.out()).as(a.out()).contains("GET /echo?x=1").endsWith("200 1.1 0\n");
            TestCertificates.Result b = curl(gw.port(), "live.news.example", "/echo?y=2", "--http2");
            assertThat(b.out()).as(b.out() + gw.accessLogText()).contains("GET /echo?y=2").endsWith("200 2 0\n");
            assertThat(origin.lastHead().headers().get("x-forwarded-proto")).isEqualTo("https");
            assertThat(origin.lastHead().headers().names()).noneMatch(n -> n.startsWith("x-http2"));
            TestCertificates.Result www = curl(gw.port(), "www.campaign.example", "/echo", "--http2");
            assertThat(www.out()).endsWith("200 2 0\n");
            // the access log is written by its own thread: wait for the three lines, whole
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> gw.accessLogText().split("\n").length >= 3 && gw.accessLogText().endsWith("}\n"));
            String log = gw.accessLogText();
            java.util.regex.Matcher ja4 = java.util.regex.Pattern.compile("\"ja4\":\"(t1[23]d\\d{4}(h1|h2)_[0-9a-f]{12}_[0-9a-f]{12})\"").matcher(log);
            assertThat(ja4.find()).as("a JA4 fingerprint per TLS request: " + log).isTrue();
            assertThat(log).contains("\"h2\":\"").containsPattern("\"h2\":\"[0-9:;]+\\|[0-9]+\\|0\\|[msap](,[msap]){3}\"");
        }
    }

    @Test
    void theFirstCertificate_isTheDefault_forAnUnknownNameOrNoSni() throws Exception {
        try (GatewayFixture gw = gateway("auto")) {
            TestCertificates.Result r = TestCertificates.run(dir, "bash", "-c", "openssl s_client -connect 127.0.0.1:" + gw.port()
                    + " -servername unknown.example -brief </dev/null 2>&1; openssl s_client -connect 127.0.0.1:" + gw.port()
                    + " -noservername </dev/null 2>&1 | grep -m1 'subject='");
            assertThat(r.out()).contains("CN = campaign.example").doesNotContain("news.example");
        }
    }

    @Test
    void onlyTls12And13AreSpoken_andResumptionWorks() throws Exception {
        try (GatewayFixture gw = gateway("auto")) {
            String connect = "openssl s_client -connect 127.0.0.1:" + gw.port() + " -servername campaign.example ";
            assertThat(TestCertificates.run(dir, "bash", "-c", connect + "-tls1_3 -brief </dev/null 2>&1").out()).contains("Protocol version: TLSv1.3");
            assertThat(TestCertificates.run(dir, "bash", "-c", connect + "-tls1_2 -brief </dev/null 2>&1").out()).contains("Protocol version: TLSv1.2");
            assertThat(TestCertificates.run(dir, "bash", "-c", connect + "-tls1_1 </dev/null 2>&1").out())
                    .as("TLS 1.1 is refused").contains("alert protocol version").contains("Cipher is (NONE)");
            String sess = dir.resolve("sess.pem").toString();
            TestCertificates.run(dir, "bash", "-c", connect + "-tls1_2 -sess_out " + sess + " </dev/null >/dev/null 2>&1");
            assertThat(TestCertificates.run(dir, "bash", "-c", connect + "-tls1_2 -sess_in " + sess + " </dev/null 2>&1").out())
                    .as("the session is resumed").contains("Reused, TLSv1.2");
        }
    }

    @Test
    void plainHttp_isRedirectedToHttps_exceptAcmeChallenges_andHttpsCarriesHsts() throws Exception {
        int tlsPort;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            tlsPort = free.getLocalPort();
        }
        try (GatewayFixture gw = GatewayFixture.start("listeners:\n  - address: 127.0.0.1:0\n  - address: 127.0.0.1:" + tlsPort
                + "\n    tls: {certificates: [{cert: " + campaign[0] + ", key: " + campaign[1] + "}]}\n"
                + "sites:\n  - {name: campaign, hosts: [campaign.example], upstreams: [ORIGIN], https: {redirect: true, port: " + tlsPort
                + ", hsts: 'max-age=31536000; includeSubDomains'}}\n", origin.url())) {
            try (io.rampart.testing.RawHttp c = new io.rampart.testing.RawHttp(gw.port())) {
                io.rampart.testing.RawHttp.Response r = c.get("campaign.example", "/donate?amount=10");
                assertThat(r.status()).isEqualTo(308);
                assertThat(r.header("location")).isEqualTo("https://campaign.example:" + tlsPort + "/donate?amount=10");
                assertThat(c.get("campaign.example", "/.well-known/acme-challenge/tok").status()).as("ACME stays on HTTP").isNotEqualTo(308);
            }
            TestCertificates.Result https = curl(tlsPort, "campaign.example", "/echo", "-D", "-", "-o", "/dev/null");
            assertThat(https.out()).containsIgnoringCase("strict-transport-security: max-age=31536000; includeSubDomains").endsWith("200 2 0\n");
        }
    }
}

package io.rampart.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rampart.testing.AlertReceivers;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.TestCertificates;
import io.rampart.testing.TestOrigin;
import java.io.IOException;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Automatic certificates against a real ACME server: Debian's pebble (Let's Encrypt's test CA)
 * and pebble-challtestsrv (its DNS, answering 127.0.0.1 for every name), started here on loopback.
 * A site marked {@code acme: true} on a TLS listener with no certificate gets one: pebble
 * validates HTTP-01 against Rampart's plain listener (or TLS-ALPN-01 against its TLS listener),
 * Rampart installs the chain, and openssl s_client accepts it with pebble's root.
 */
class AcmeTest {
    @TempDir
    Path dir;
    private final List<Process> processes = new ArrayList<>();

    @AfterEach
    void stop() {
        for (Process p : processes) {
            p.destroy();
        }
    }

    private Process start(Path log, String... cmd) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
        pb.environment().put("PEBBLE_VA_NOSLEEP", "1");
        pb.environment().put("PEBBLE_WFE_NONCEREJECT", "0");
        Process p = pb.start();
        processes.add(p);
        return p;
    }

    private static void awaitPort(int port) {
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            try (Socket s = new Socket("127.0.0.1", port)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
    }

    /** pebble and its DNS on loopback; the CA validates HTTP-01 on {@code httpPort} and TLS-ALPN-01 on {@code tlsPort}. */
    private int[] startPebble(TestCertificates certs, int httpPort, int tlsPort) throws Exception {
        Path[] api = certs.leaf("pebble-api", true, "localhost");
        int acmePort = AlertReceivers.freePort();
        int mgmtPort = AlertReceivers.freePort();
        int dnsPort = freeTcpAndUdpPort(); // the DNS listens on both: a port free for TCP may be taken for UDP
        start(dir.resolve("challtestsrv.log"), "pebble-challtestsrv", "-defaultIPv4", "127.0.0.1", "-defaultIPv6", "",
                "-dns01", "127.0.0.1:" + dnsPort, "-http01", "", "-https01", "", "-tlsalpn01", "",
                "-management", "127.0.0.1:" + AlertReceivers.freePort());
        Path config = dir.resolve("pebble.json");
        Files.writeString(config, "{\"pebble\": {\"listenAddress\": \"127.0.0.1:" + acmePort + "\", \"managementListenAddress\": \"127.0.0.1:"
                + mgmtPort + "\", \"certificate\": \"" + api[0] + "\", \"privateKey\": \"" + api[1] + "\", \"httpPort\": " + httpPort
                + ", \"tlsPort\": " + tlsPort + ", \"ocspResponderURL\": \"\", \"externalAccountBindingRequired\": false}}");
        start(dir.resolve("pebble.log"), "pebble", "-config", config.toString(), "-dnsserver", "127.0.0.1:" + dnsPort);
        awaitPort(acmePort);
        return new int[] {acmePort, mgmtPort};
    }

    private static int freeTcpAndUdpPort() throws IOException {
        for (int attempt = 0; ; attempt++) {
            int port = AlertReceivers.freePort();
            try (java.net.DatagramSocket udp = new java.net.DatagramSocket(new java.net.InetSocketAddress("127.0.0.1", port))) {
                return port;
            } catch (java.net.SocketException taken) {
                if (attempt > 20) {
                    throw taken;
                }
            }
        }
    }

    private static String tail(Path log) {
        try {
            String text = Files.readString(log);
            return text.substring(Math.max(0, text.length() - 3000));
        } catch (IOException e) {
            return "(" + e + ")";
        }
    }

    /** Waits for the certificate, then checks it with pebble's root: openssl verifies it and curl gets a page through it. */
    private void assertIssuedAndServed(GatewayFixture gw, TestCertificates certs, int mgmtPort, int tlsPort) throws Exception {
        Path issued = dir.resolve("data").resolve("acme").resolve("shop.pem");
        try {
            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> Files.exists(issued));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // say why: the manager's last error and what pebble and its DNS saw
            throw new AssertionError("no certificate: " + gw.gateway.acme().states() + "\npebble: " + tail(dir.resolve("pebble.log"))
                    + "\nchalltestsrv: " + tail(dir.resolve("challtestsrv.log")), e);
        }
        assertThat(Files.readString(issued)).contains("BEGIN CERTIFICATE");
        assertThat(gw.gateway.acme().states().get(0).notAfter()).isNotNull();
        assertThat(gw.gateway.metrics().scrape()).containsPattern("rampart_acme_certificate_expiry_seconds\\{site=\"shop\"} [1-9]")
                .contains("rampart_acme_failures{site=\"shop\"} 0.0");
        TestCertificates.Result root = TestCertificates.run(dir, "curl", "-s", "--cacert", certs.caCert.toString(),
                "https://localhost:" + mgmtPort + "/roots/0", "-o", dir.resolve("pebble-root.pem").toString());
        assertThat(root.exit()).as(root.out()).isZero();
        TestCertificates.Result verify = TestCertificates.run(dir, "bash", "-c", "openssl s_client -connect 127.0.0.1:" + tlsPort
                + " -servername shop.example -CAfile " + dir.resolve("pebble-root.pem") + " -verify_return_error </dev/null 2>&1");
        assertThat(verify.out()).as(verify.out()).contains("Verify return code: 0 (ok)").contains("shop.example");
        TestCertificates.Result page = TestCertificates.run(dir, "curl", "-s", "-o", "/dev/null", "-w", "%{http_code}",
                "--cacert", dir.resolve("pebble-root.pem").toString(), "--resolve", "shop.example:" + tlsPort + ":127.0.0.1",
                "https://shop.example:" + tlsPort + "/echo");
        assertThat(page.out()).isEqualTo("200");
    }

    @Test
    void aSiteMarkedAcme_getsACertificateFromPebble_thatOpensslAccepts() throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        int httpPort = AlertReceivers.freePort();
        int tlsPort = AlertReceivers.freePort();
        int[] pebble = startPebble(certs, httpPort, AlertReceivers.freePort());
        try (TestOrigin origin = new TestOrigin();
             GatewayFixture gw = GatewayFixture.start("listeners:\n  - address: 127.0.0.1:" + httpPort + "\n  - address: 127.0.0.1:" + tlsPort
                     + "\n    tls: {}\n"
                     + "dataDir: " + dir.resolve("data") + "\n"
                     + "acme: {directory: 'https://localhost:" + pebble[0] + "/dir', caCertificate: " + certs.caCert + ", email: ops@shop.example, retry: 2s}\n"
                     + "sites:\n  - {name: shop, hosts: [shop.example], upstreams: [ORIGIN], acme: true}\n", origin.url())) {
            assertIssuedAndServed(gw, certs, pebble[1], tlsPort);
        }
    }

    @Test
    void withTlsAlpn01_aSiteWithOnlyATlsListener_getsItsCertificate() throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        int tlsPort = AlertReceivers.freePort();
        int[] pebble = startPebble(certs, AlertReceivers.freePort(), tlsPort); // nothing listens on pebble's HTTP port
        try (TestOrigin origin = new TestOrigin();
             GatewayFixture gw = GatewayFixture.start("listeners:\n  - address: 127.0.0.1:" + tlsPort + "\n    tls: {}\n"
                     + "dataDir: " + dir.resolve("data") + "\n"
                     + "acme: {directory: 'https://localhost:" + pebble[0] + "/dir', caCertificate: " + certs.caCert
                     + ", email: ops@shop.example, retry: 2s, challenge: tls-alpn-01}\n"
                     + "sites:\n  - {name: shop, hosts: [shop.example], upstreams: [ORIGIN], acme: true}\n", origin.url())) {
            assertIssuedAndServed(gw, certs, pebble[1], tlsPort); // HTTP-01 could not have passed: no plain listener
        }
    }
}

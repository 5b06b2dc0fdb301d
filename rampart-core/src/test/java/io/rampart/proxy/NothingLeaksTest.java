package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpRequest;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.TestOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * What must not reach the origin or other local users: a client's claims about its own address,
 * Rampart's own cookies (the dashboard's among them), a method spelled in lower case, and the
 * data directory's contents.
 */
@ExtendWith(LeakWatcher.class)
class NothingLeaksTest {
    private final TestOrigin origin = new TestOrigin();

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        origin.close();
    }

    @Test
    void anUntrustedClientsClaimsAboutItsAddress_neverReachTheOrigin() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), "");
             RawHttp c = new RawHttp("127.0.0.7", gw.port())) {
            c.send("GET /page HTTP/1.1\r\nHost: site.test\r\nX-Real-IP: 1.2.3.4\r\nForwarded: for=1.2.3.4\r\n"
                    + "True-Client-IP: 1.2.3.4\r\nCF-Connecting-IP: 1.2.3.4\r\nX-Client-IP: 1.2.3.4\r\n"
                    + "X-Cluster-Client-IP: 1.2.3.4\r\nFastly-Client-IP: 1.2.3.4\r\nX-Forwarded-For: 1.2.3.4\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
            HttpRequest seen = origin.lastHead();
            for (String name : new String[] {"x-real-ip", "forwarded", "true-client-ip", "cf-connecting-ip", "x-client-ip",
                    "x-cluster-client-ip", "fastly-client-ip"}) {
                assertThat(seen.headers().contains(name)).as(name).isFalse();
            }
            assertThat(seen.headers().get("x-forwarded-for")).isEqualTo("127.0.0.7");
        }
    }

    @Test
    void rampartsCookies_theDashboardsToo_areTakenOffBeforeTheOrigin() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), ""); RawHttp c = new RawHttp(gw.port())) {
            c.send("GET /page HTTP/1.1\r\nHost: site.test\r\nCookie: sid=abc; rampart_admin=the-session; lang=en\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(origin.lastHead().headers().get("cookie")).isEqualTo("sid=abc; lang=en");
            c.send("GET /page HTTP/1.1\r\nHost: site.test\r\nCookie: rampart_admin=the-session\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(200);
            assertThat(origin.lastHead().headers().contains("cookie")).isFalse();
        }
    }

    @Test
    void aLowerCaseMethodIsRefused_notForwarded() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), ""); RawHttp c = new RawHttp(gw.port())) {
            c.send("get /page HTTP/1.1\r\nHost: site.test\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(400);
            assertThat(origin.requests.get()).isZero();
        }
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), ""); RawHttp c = new RawHttp(gw.port())) {
            c.send("PoSt /page HTTP/1.1\r\nHost: site.test\r\nContent-Length: 0\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(400);
            assertThat(origin.requests.get()).isZero();
        }
    }

    @Test
    void theDataDirectoryAndItsFiles_areTheOwnersAlone() throws Exception {
        Path data = dir.resolve("data");
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), "dataDir: " + data + "\n")) {
            assertThat(permissions(data)).isEqualTo("rwx------");
            assertThat(permissions(data.resolve("incidents.db"))).as("incidents hold client addresses").isEqualTo("rw-------");
        }
        Path state = data.resolve("detection-state.json");
        assertThat(state).as("saved at stop").exists();
        assertThat(permissions(state)).as("the detection state holds the feature-hash key").isEqualTo("rw-------");
    }

    private static String permissions(Path p) {
        try {
            return PosixFilePermissions.toString(Files.getPosixFilePermissions(p));
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}

package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rampart.config.ChallengeConfig;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.TestOrigin;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * One way to spell a path, over real sockets: spellings that used to slip past exempt paths and
 * route limits ({@code /api/../donate}, {@code /%6cogin}, {@code /login;x}, {@code /./login},
 * {@code /robots.txt/../}) are judged by what they mean, the origin receives the spelling Rampart
 * judged, and traversals, encoded slashes and NULs and bad escapes get {@code 400}. Then a fuzz
 * against nginx as the reference: for random spellings, whenever Rampart forwards, the path nginx
 * serves is the one nginx would have served without Rampart, and Rampart's decision (exempt from
 * the challenge or not) agrees with it.
 */
@ExtendWith(LeakWatcher.class)
class PathSpellingTest {
    private static final String SITES = """
            limits:
              perClient: {rate: 10000, burst: 10000}
            sites:
              - name: guarded
                hosts: [guarded.test]
                upstreams: [ORIGIN]
                underAttack: true
              - name: routed
                hosts: [routed.test]
                upstreams: [ORIGIN]
                routes:
                  - {path: /login, limits: {perClient: {rate: 0.01, burst: 1}}}
            detection: {enabled: false}
            """;

    private final TestOrigin origin = new TestOrigin();

    @AfterEach
    void stop() {
        origin.close();
    }

    private static int status(RawHttp c, String host, String target) throws IOException {
        return c.get(host, target).status();
    }

    @Test
    void aSpellingThatLeavesAnExemptPathIsChallenged_andOneThatStaysInItReachesTheOriginNormalised() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(SITES, origin.url()); RawHttp c = new RawHttp(gw.port())) {
            for (String escape : List.of("/api/../donate", "/api/./../donate", "/api;x/../donate", "/api/..;x/donate",
                    "/robots.txt/../", "/feed/%2e%2e/donate", "/apiary", "/api", "/feedback")) {
                assertThat(status(c, "guarded.test", escape)).as(escape + " is a protected page").isEqualTo(403);
            }
            assertThat(origin.requests.get()).as("no challenged spelling reached the origin").isZero();

            assertThat(status(c, "guarded.test", "/%61pi/./items//list?q=%2e%2e")).isEqualTo(200);
            assertThat(origin.lastHead().uri()).isEqualTo("/api/items/list?q=%2e%2e");
            assertThat(status(c, "guarded.test", "/api/x/../items%3bv")).isEqualTo(200);
            assertThat(origin.lastHead().uri()).isEqualTo("/api/items%3Bv");
        }
    }

    @Test
    void everySpellingOfARoutedPathSpendsTheRoutesBudget() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(SITES, origin.url()); RawHttp c = new RawHttp(gw.port())) {
            assertThat(status(c, "routed.test", "/login")).isEqualTo(200);
            for (String spelling : List.of("/login", "/./login", "/%6cogin", "/%6C%6F%67%69%6E", "/login;x", "/x/../login",
                    "/login/", "/login?next=/")) {
                assertThat(status(c, "routed.test", spelling)).as(spelling + " is the log-in page").isEqualTo(429);
            }
            assertThat(status(c, "routed.test", "/login-help")).as("another page: not the route").isEqualTo(200);
        }
    }

    @Test
    void traversalsAboveTheRoot_encodedSlashesAndNuls_andBadEscapes_are400() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(SITES, origin.url())) {
            for (String bad : List.of("/a/../../etc/passwd", "/..", "/%2e%2e/x", "/..%2f..%2fetc", "/a%2Fb", "/a%5cb", "/a\\b",
                    "/%00", "/a%0d%0ab", "/%zz", "/a%", "/a%4", "/a#b")) {
                try (RawHttp c = new RawHttp(gw.port())) {
                    assertThat(status(c, "routed.test", bad)).as(bad).isEqualTo(400);
                }
            }
            assertThat(origin.requests.get()).isZero();
            try (RawHttp c = new RawHttp(gw.port())) {
                assertThat(status(c, "routed.test", "/still/served")).as("everyone else is still served").isEqualTo(200);
            }
        }
    }

    @Test
    void fuzz_whateverRampartForwards_nginxServesThePathItWouldHaveServedAlone_andTheDecisionAgreesWithIt() throws Exception {
        Path nginxBinary = Path.of("/usr/sbin/nginx");
        assumeTrue(Files.isExecutable(nginxBinary), "nginx is the reference origin here (bin/test installs it)");
        try (Nginx nginx = new Nginx(nginxBinary);
             GatewayFixture gw = GatewayFixture.start(SITES, "http://127.0.0.1:" + nginx.port)) {
            Random random = new Random(20261204);
            String[] pieces = {"api", "donate", "items", ".", "..", "%2e", "%2E%2e", "%61pi", "%64onate", "", "a", "%7e",
                    "robots.txt", "x%20y", "~u"};
            int forwarded = 0;
            int refused = 0;
            for (int n = 0; n < 400; n++) {
                StringBuilder p = new StringBuilder();
                int segments = 1 + random.nextInt(5);
                for (int s = 0; s < segments; s++) {
                    p.append('/').append(pieces[random.nextInt(pieces.length)]);
                }
                if (random.nextInt(4) == 0) {
                    p.append('/');
                }
                String spelling = p.toString();
                if (spelling.startsWith("//")) {
                    continue; // refused as a smuggling shape before normalisation (RequestSmugglingTest)
                }
                RawHttp.Response direct;
                try (RawHttp c = new RawHttp(nginx.port)) {
                    direct = c.get("guarded.test", spelling);
                }
                RawHttp.Response via;
                try (RawHttp c = new RawHttp(gw.port())) {
                    via = c.get("guarded.test", spelling);
                }
                if (via.status() == 400) {
                    refused++;
                    continue;
                }
                if (via.status() == 200) {
                    forwarded++;
                    assertThat(via.text()).as("nginx's view of %s through Rampart", spelling).isEqualTo(direct.text());
                    assertThat(direct.status()).isEqualTo(200);
                    assertThat(exempt(direct.text())).as("Rampart let %s (nginx: %s) past the challenge as an exempt path",
                            spelling, direct.text()).isTrue();
                } else {
                    assertThat(via.status()).as(spelling).isEqualTo(403);
                    if (direct.status() == 200) {
                        assertThat(exempt(direct.text())).as("Rampart challenged %s (nginx: %s) as a protected page",
                                spelling, direct.text()).isFalse();
                    }
                }
            }
            assertThat(forwarded).as("the fuzz reached exempt paths").isGreaterThan(20);
            assertThat(400 - forwarded - refused).as("and protected pages").isGreaterThan(20);
            assertThat(refused).as("and traversals above the root").isGreaterThan(5);
        }
    }

    /** The oracle: whether the path the origin serves is one the challenge exempts (the default exempt paths, whole segments). */
    private static boolean exempt(String path) {
        for (String p : ChallengeConfig.DEFAULT_EXEMPT_PATHS) {
            if (path.equals(p) || path.startsWith(p.endsWith("/") ? p : p + "/") || path.startsWith(p + ";")) {
                return true;
            }
        }
        return false;
    }

    /** nginx answering every request with the path it decoded and normalised ({@code $uri}). */
    private static final class Nginx implements AutoCloseable {
        final int port;
        private final Process process;
        private final Path dir;

        Nginx(Path binary) throws Exception {
            try (ServerSocket s = new ServerSocket(0)) {
                port = s.getLocalPort();
            }
            dir = Files.createTempDirectory("rampart-nginx");
            Path conf = dir.resolve("nginx.conf");
            Files.writeString(conf, """
                    worker_processes 1;
                    daemon off;
                    pid %1$s/nginx.pid;
                    error_log %1$s/error.log;
                    events { worker_connections 64; }
                    http {
                      access_log off;
                      client_body_temp_path %1$s; proxy_temp_path %1$s; fastcgi_temp_path %1$s; uwsgi_temp_path %1$s; scgi_temp_path %1$s;
                      server { listen 127.0.0.1:%2$d; location / { default_type text/plain; return 200 "$uri"; } }
                    }
                    """.formatted(dir, port));
            process = new ProcessBuilder(binary.toString(), "-p", dir.toString(), "-c", conf.toString())
                    .redirectErrorStream(true).redirectOutput(dir.resolve("out.log").toFile()).start();
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
            while (true) {
                // nginx writes its pid file once it listens; probing before that can connect a socket
                // to itself (an unused port in the ephemeral range) and read back its own request
                if (Files.exists(dir.resolve("nginx.pid"))) {
                    try (RawHttp c = new RawHttp(port)) {
                        if (c.socket().getLocalPort() != port && c.get("x", "/").status() == 200) {
                            break;
                        }
                    } catch (IOException | RuntimeException notYet) {
                        // not listening yet
                    }
                }
                try {
                    Thread.sleep(20);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                if (System.nanoTime() > deadline || !process.isAlive()) {
                    throw new IOException("nginx did not start: " + Files.readString(dir.resolve("out.log")));
                }
            }
        }

        @Override
        public void close() throws Exception {
            process.destroy();
            process.waitFor(5, TimeUnit.SECONDS);
            List<Path> files = new ArrayList<>();
            try (var walk = Files.walk(dir)) {
                walk.forEach(files::add);
            }
            for (int i = files.size() - 1; i >= 0; i--) {
                Files.deleteIfExists(files.get(i));
            }
        }
    }
}

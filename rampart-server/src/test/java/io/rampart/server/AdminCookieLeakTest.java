package io.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http.HttpRequest;
import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import io.rampart.testing.TestOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.chrome.ChromeDriver;

/**
 * A real browser signs in to the dashboard, then visits a site behind the gateway on the same
 * host. Cookies ignore ports, so the browser sends the dashboard's cookie to the site as well:
 * the cookie must hold a session id, never the admin token, and the gateway must take it off
 * before the origin sees the request.
 */
class AdminCookieLeakTest {
    @TempDir
    Path dir;

    @Test
    void theDashboardCookieIsASessionNotTheToken_andNeverReachesTheOrigin() throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            Path file = dir.resolve("rampart.yml");
            Files.writeString(file, "listeners: [{address: '127.0.0.1:0'}]\nadmin: {address: '127.0.0.1:0'}\n"
                    + "dataDir: " + dir.resolve("data") + "\naccessLog: {path: 'off'}\n"
                    + "sites:\n  - {name: campaign, hosts: ['*'], upstreams: ['" + origin.url() + "']}\n");
            RampartConfig config = ConfigLoader.validated(new ConfigLoader().load(file), file.toString());
            try (GatewayRunner runner = GatewayRunner.start(config, file, UnaryOperator.identity())) {
                String token = runner.adminToken().value();
                String admin = "http://127.0.0.1:" + runner.adminAddress().getPort();
                String site = "http://127.0.0.1:" + runner.gateway().listenAddresses().get(0).getPort();
                ChromeDriver b = Chromium.start();
                try {
                    b.get(admin + "/?token=" + token);
                    await().atMost(Duration.ofSeconds(10)).until(() -> b.getTitle().contains("Rampart"));
                    Cookie session = b.manage().getCookieNamed("rampart_admin");
                    assertThat(session).as("signed in with a cookie").isNotNull();
                    assertThat(session.getValue()).as("the cookie is a session id, not the token").isNotEqualTo(token)
                            .doesNotContain(token);
                    assertThat(session.isHttpOnly()).isTrue();

                    b.get(site + "/campaign-page");
                    await().atMost(Duration.ofSeconds(10)).until(() -> origin.lastHead() != null);
                    HttpRequest seen = origin.lastHead();
                    String cookies = seen.headers().get("cookie");
                    assertThat(cookies == null ? "" : cookies).as("what the origin was sent")
                            .doesNotContain("rampart_admin").doesNotContain(session.getValue()).doesNotContain(token);
                } finally {
                    b.quit();
                }
            }
        }
    }
}

package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.rampart.config.ConfigLoader;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.RawHttp;
import io.rampart.testing.TestOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log is opened again on every reload: after logrotate moves the file away, a reload
 * (its {@code postrotate}) starts a new file at the same path; a reload may also point the log
 * elsewhere or switch it off. A path that cannot be opened refuses the reload, and the running
 * log goes on.
 */
class AccessLogReloadTest {
    @TempDir
    Path dir;

    private String config(TestOrigin origin, Object logPath) {
        return "admin: {enabled: false}\nlisteners:\n  - address: 127.0.0.1:0\naccessLog: {path: '" + logPath + "'}\n"
                + "sites:\n  - {name: news, hosts: ['*'], upstreams: ['" + origin.url() + "']}\n";
    }

    private static void get(GatewayFixture gw, String path) throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            assertThat(c.get("news.test", path).status()).isEqualTo(200);
        }
    }

    @Test
    void afterLogrotateMovedTheFile_aReloadStartsANewOne_andABadPathIsRefused() throws Exception {
        Path log = dir.resolve("access.log");
        Path rotated = dir.resolve("access.log.1");
        try (TestOrigin origin = new TestOrigin(); GatewayFixture gw = GatewayFixture.start(config(origin, log), origin.url())) {
            get(gw, "/before-rotation");
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(log) && Files.readString(log).contains("/before-rotation"));
            Files.move(log, rotated); // what logrotate does, then its postrotate: reload

            assertThat(gw.gateway.reload(new ConfigLoader().parse(config(origin, log), "next.yml"))).isEqualTo("1 site");
            get(gw, "/after-rotation");
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(log) && Files.readString(log).contains("/after-rotation"));
            assertThat(Files.readString(log)).doesNotContain("/before-rotation");
            assertThat(Files.readString(rotated)).contains("/before-rotation").doesNotContain("/after-rotation");

            Path blocked = dir.resolve("a-file");
            Files.writeString(blocked, "not a directory");
            assertThatThrownBy(() -> gw.gateway.reload(new ConfigLoader().parse(config(origin, blocked.resolve("access.log")), "next.yml")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageStartingWith("accessLog.path: cannot open");
            get(gw, "/after-refusal");
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.readString(log).contains("/after-refusal"));

            Path elsewhere = dir.resolve("logs/rampart.log");
            gw.gateway.reload(new ConfigLoader().parse(config(origin, elsewhere), "next.yml"));
            get(gw, "/elsewhere");
            await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(elsewhere) && Files.readString(elsewhere).contains("/elsewhere"));
            assertThat(Files.readString(log)).doesNotContain("/elsewhere");
        }
    }
}

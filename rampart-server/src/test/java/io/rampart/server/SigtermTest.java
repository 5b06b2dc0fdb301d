package io.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rampart.testing.RawHttp;
import io.rampart.testing.RawHttp.Response;
import io.rampart.testing.TestOrigin;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** A real process: SIGTERM lets the request in flight finish, then the process exits. */
class SigtermTest {
    @Test
    void checkConfig_asARealProcess_printsItsSummaryAndExitCode(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        Path good = dir.resolve("good.yml");
        java.nio.file.Files.writeString(good, "sites: [{name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}]\n");
        Path bad = dir.resolve("bad.yml");
        java.nio.file.Files.writeString(bad, "sites: [{name: a, hosts: ['*'], upstreams: ['nope']}]\n");
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        Process ok = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.rampart.server.Main",
                "check-config", good.toString()).redirectErrorStream(true).start();
        String okOut = new String(ok.getInputStream().readAllBytes());
        assertThat(ok.waitFor()).isZero();
        assertThat(okOut).contains("good.yml: OK").contains("a: * -> http://127.0.0.1:1");
        Process ko = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"), "io.rampart.server.Main",
                "check-config", bad.toString()).redirectErrorStream(true).start();
        String koOut = new String(ko.getInputStream().readAllBytes());
        assertThat(ko.waitFor()).isEqualTo(2);
        assertThat(koOut).contains("sites[0].upstreams[0]");
    }

    @Test
    void sigterm_finishesInFlightRequestThenExits() throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            int port = CommandLineTest.freePort();
            String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
            Process p = new ProcessBuilder(java, "-cp", System.getProperty("java.class.path"),
                    "io.rampart.server.Main", "run", "--upstream", origin.url(), "--listen", "127.0.0.1:" + port,
                    "--admin", "127.0.0.1:0", "--data-dir", Files.createTempDirectory("rampart-sigterm").toString())
                    .redirectErrorStream(true).start();
            try {
                BufferedReader lines = new BufferedReader(new InputStreamReader(p.getInputStream()));
                String line;
                while ((line = lines.readLine()) != null && !line.contains("gateway:")) {
                    // wait for the banner
                }
                assertThat(line).isNotNull();
                Thread drain = new Thread(() -> {
                    try {
                        while (lines.readLine() != null) {
                            // keep the pipe flowing
                        }
                    } catch (Exception ignored) {
                        // process ended
                    }
                });
                drain.setDaemon(true);
                drain.start();
                try (RawHttp c = new RawHttp(port)) {
                    c.send("GET /slow?ms=800 HTTP/1.1\r\nHost: a\r\n\r\n");
                    await().atMost(Duration.ofSeconds(3)).until(() -> origin.requests.get() >= 1);
                    p.destroy(); // SIGTERM
                    Response r = c.read();
                    assertThat(r.status()).isEqualTo(200);
                    assertThat(r.text()).isEqualTo("slow 800");
                    assertThat(r.header("connection")).isEqualTo("close");
                }
                assertThat(p.waitFor(10, TimeUnit.SECONDS)).isTrue();
            } finally {
                p.destroyForcibly();
            }
        }
    }

    @Test
    void sighup_reloadsTheConfigurationFile_andTheProcessKeepsServing(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            int port = CommandLineTest.freePort();
            Path file = dir.resolve("rampart.yml");
            java.nio.file.Files.writeString(file, "listeners: [{address: '127.0.0.1:" + port + "'}]\nadmin: {address: '127.0.0.1:0'}\n"
                    + "dataDir: " + dir.resolve("data") + "\nsites: [{name: a, hosts: ['*'], upstreams: ['" + origin.url() + "']}]\n");
            try (GatewayProcess gw = new GatewayProcess("run", "--config", file.toString())) {
                gw.signal("HUP");
                gw.awaitLine("reloaded " + file, "after SIGHUP");
                assertThat(gw.process.isAlive()).isTrue();
                try (RawHttp c = new RawHttp(port)) {
                    assertThat(c.get("a", "/echo").status()).isEqualTo(200);
                }
                Files.writeString(file, "sites: [{name: a, hosts: ['*'], upstreams: ['nope']}]\n");
                gw.signal("HUP");
                gw.awaitLine("sites[0].upstreams[0]");
                try (RawHttp c = new RawHttp(port)) {
                    assertThat(c.get("a", "/echo").status()).as("the running configuration stays").isEqualTo(200);
                }
            }
        }
    }

    @Test
    void sighup_withoutAConfigurationFile_saysSo_andKeepsServing(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            int port = CommandLineTest.freePort();
            try (GatewayProcess gw = new GatewayProcess("run", "--upstream", origin.url(), "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:0",
                    "--data-dir", dir.toString())) {
                gw.signal("HUP");
                gw.awaitLine("SIGHUP: there is no configuration file to reload");
                assertThat(gw.process.isAlive()).isTrue();
                try (RawHttp c = new RawHttp(port)) {
                    assertThat(c.get("a", "/echo").status()).isEqualTo(200);
                }
            }
        }
    }

    @Test
    void sigusr1_reopensTheAccessLog_evenWhileTheConfigurationFileIsBroken(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            int port = CommandLineTest.freePort();
            Path file = dir.resolve("rampart.yml");
            Path log = dir.resolve("logs/access.log");
            Files.writeString(file, "listeners: [{address: '127.0.0.1:" + port + "'}]\nadmin: {address: '127.0.0.1:0'}\n"
                    + "dataDir: " + dir.resolve("data") + "\naccessLog: {path: '" + log + "'}\n"
                    + "sites: [{name: a, hosts: ['*'], upstreams: ['" + origin.url() + "']}]\n");
            try (GatewayProcess gw = new GatewayProcess("run", "--config", file.toString())) {
                try (RawHttp c = new RawHttp(port)) {
                    assertThat(c.get("a", "/echo?before-rotation").status()).isEqualTo(200);
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(log) && Files.readString(log).contains("before-rotation"));
                Path rotated = dir.resolve("logs/access.log.1");
                Files.move(log, rotated); // what logrotate does
                Files.writeString(file, "sites: [{name: a, upstreams: nope\n"); // and the YAML on disk is broken meanwhile
                gw.signal("USR1");
                gw.awaitLine("access log " + log + " reopened");
                try (RawHttp c = new RawHttp(port)) {
                    assertThat(c.get("a", "/echo?after-rotation").status()).isEqualTo(200);
                }
                await().atMost(Duration.ofSeconds(5)).until(() -> Files.exists(log) && Files.readString(log).contains("after-rotation"));
                assertThat(Files.readString(rotated)).contains("before-rotation").doesNotContain("after-rotation");
                assertThat(gw.process.isAlive()).isTrue();
            }
        }
    }

    @Test
    void logsInJson_whenAsked_oneObjectPerLine_withTheFormattedMessage(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            int port = CommandLineTest.freePort();
            try (GatewayProcess gw = new GatewayProcess(java.util.Map.of("RAMPART_LOG_FORMAT", "json"), "run", "--upstream", origin.url(),
                    "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:0", "--data-dir", dir.toString())) {
                gw.awaitLine("\"formattedMessage\":\"listening on 127.0.0.1:" + port + ", " + io.rampart.net.Transport.CURRENT.name() + " transport: ");
                String line = gw.seen.stream().filter(l -> l.contains("listening on")).findFirst().orElseThrow();
                com.fasterxml.jackson.databind.JsonNode event = new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
                assertThat(event.path("level").asText()).isEqualTo("INFO");
                assertThat(event.path("loggerName").asText()).isEqualTo("io.rampart.proxy.Gateway");
            }
        }
    }

    @Test
    void aMisspeltLogFormatOrLevel_isRefusedAtStart_ratherThanSilencingTheLogs() {
        assertThat(Main.logSettingsProblem(java.util.Map.of("RAMPART_LOG_FORMAT", "jsno"))).contains("text, json or journald").contains("'jsno'");
        assertThat(Main.logSettingsProblem(java.util.Map.of("RAMPART_LOG_LEVEL", "loud"))).contains("'loud'");
        assertThat(Main.logSettingsProblem(java.util.Map.of("RAMPART_LOG_FORMAT", "journald", "RAMPART_LOG_LEVEL", "warn"))).isNull();
        assertThat(Main.logSettingsProblem(java.util.Map.of("RAMPART_TRANSPORT", "iouring"))).contains("epoll", "nio", "'iouring'");
        assertThat(Main.logSettingsProblem(java.util.Map.of("RAMPART_TRANSPORT", "NIO"))).isNull();
        assertThat(Main.logSettingsProblem(java.util.Map.of("RAMPART_NFT", "yes"))).contains("program", "'yes'");
    }

    @Test
    void nettysLeakDetector_isOffInTheGateway_unlessTheOperatorAsksForALevel() {
        java.util.Properties none = new java.util.Properties();
        Main.quietLeakDetection(none);
        assertThat(none.getProperty(Main.LEAK_DETECTION)).isEqualTo("disabled");
        java.util.Properties asked = new java.util.Properties();
        asked.setProperty(Main.LEAK_DETECTION, "paranoid");
        Main.quietLeakDetection(asked);
        assertThat(asked.getProperty(Main.LEAK_DETECTION)).isEqualTo("paranoid");
    }
}

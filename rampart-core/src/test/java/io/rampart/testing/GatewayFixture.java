package io.rampart.testing;

import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import io.rampart.proxy.Gateway;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

/**
 * Starts a real gateway on an ephemeral loopback port from YAML in which {@code ORIGIN} stands for
 * the test origin's URL and {@code ACCESS_LOG} for a temporary access log file.
 */
public final class GatewayFixture implements AutoCloseable {
    public final Gateway gateway;
    public final Path accessLog;

    private GatewayFixture(Gateway gateway, Path accessLog) {
        this.gateway = gateway;
        this.accessLog = accessLog;
    }

    public static GatewayFixture start(String yaml, String originUrl) throws Exception {
        Path log = Files.createTempFile("rampart-access", ".log");
        String text = yaml.replace("ORIGIN", originUrl).replace("ACCESS_LOG", log.toString());
        if (!text.contains("accessLog:")) {
            text = text + "\naccessLog:\n  path: " + log + "\n";
        }
        if (!text.contains("listeners:")) {
            text = "listeners:\n  - address: 127.0.0.1:0\n" + text;
        }
        if (!text.contains("admin:")) {
            text = "admin:\n  enabled: false\n" + text;
        }
        RampartConfig config = new ConfigLoader().parse(text, "test.yml");
        return new GatewayFixture(Gateway.start(config), log);
    }

    /** One catch-all site in front of {@code originUrl}, with {@code extra} YAML appended at top level. */
    public static GatewayFixture simple(String originUrl, String extra) throws Exception {
        return start("sites:\n  - name: test\n    hosts: ['*']\n    upstreams: [ORIGIN]\n" + extra, originUrl);
    }

    public int port() {
        return gateway.listenAddresses().get(0).getPort();
    }

    public String accessLogText() throws Exception {
        return Files.readString(accessLog);
    }

    @Override
    public void close() throws Exception {
        gateway.stop(Duration.ofSeconds(1));
        Files.deleteIfExists(accessLog);
    }
}

package io.rampart.lab.target;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** HAProxy with stick tables, deny and tarpit, timeouts, a cache and a server maxconn (see targets/haproxy.cfg). */
final class HaproxyTarget extends ProcessTarget {
    HaproxyTarget(Policy policy) {
        super(policy);
    }

    @Override
    public String name() {
        return "haproxy";
    }

    @Override
    public InetSocketAddress start(Path workDir, InetSocketAddress origin, InetSocketAddress listen) throws IOException, InterruptedException {
        Path haproxy = Tools.require("haproxy", "haproxy");
        Path dir = Files.createDirectories(workDir.resolve("haproxy"));
        Path conf = dir.resolve("haproxy.cfg");
        Files.writeString(conf, Targets.template("haproxy.cfg", Map.of(
                "WORKERS", Targets.workers(), "LISTEN", Targets.hostPort(listen), "ORIGIN", Targets.hostPort(origin),
                "RATE_10S", policy.rate() * 10 + policy.burst(), "LOGIN_10S", policy.loginRate() * 10 + policy.loginBurst(),
                "CONNECTIONS", policy.connections(), "ORIGIN_MAXCONN", policy.originConnections())));
        launch(List.of(haproxy.toString(), "-f", conf.toString(), "-db"), dir, listen, 15_000);
        return listen;
    }
}

package io.rampart.lab.target;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;

/** nginx with limit_req, limit_conn, timeouts and a micro-cache (see targets/nginx.conf). */
final class NginxTarget extends ProcessTarget {
    NginxTarget(Policy policy) {
        super(policy);
    }

    @Override
    public String name() {
        return "nginx";
    }

    @Override
    public InetSocketAddress start(Path workDir, InetSocketAddress origin, InetSocketAddress listen) throws IOException, InterruptedException {
        Path nginx = Tools.require("nginx", "nginx");
        Path dir = Files.createDirectories(workDir.resolve("nginx"));
        // workers run as an unprivileged user when the lab runs as root: they need to reach the cache and temp dirs
        for (Path p = dir; p != null && p.startsWith(workDir); p = p.getParent()) {
            Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxrwxrwx"));
        }
        Path conf = dir.resolve("nginx.conf");
        Files.writeString(conf, Targets.template("nginx.conf", Map.of(
                "WORKERS", Targets.workers(), "DIR", dir, "LISTEN", Targets.hostPort(listen), "ORIGIN", Targets.hostPort(origin),
                "RATE", policy.rate(), "BURST", policy.burst(), "LOGIN_RATE", policy.loginRate(), "LOGIN_BURST", policy.loginBurst(),
                "CONNECTIONS", policy.connections())));
        try {
            launch(List.of(nginx.toString(), "-c", conf.toString(), "-p", dir.toString()), dir, listen, 15_000);
        } catch (IOException e) {
            throw new IOException(e.getMessage() + "\nnginx error log:\n" + Targets.tail(dir.resolve("error.log")), e);
        }
        return listen;
    }
}

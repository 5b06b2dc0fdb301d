package io.rampart.lab.target;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Rampart in its own JVM with its defaults plus the site definition (see targets/rampart.yml). */
final class RampartTarget extends ProcessTarget {
    private final List<String> command;

    RampartTarget(Policy policy, List<String> command) {
        super(policy);
        this.command = command;
    }

    @Override
    public String name() {
        return "rampart";
    }

    @Override
    public InetSocketAddress start(Path workDir, InetSocketAddress origin, InetSocketAddress listen) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(workDir.resolve("rampart"));
        Path conf = dir.resolve("rampart.yml");
        Files.writeString(conf, Targets.template("rampart.yml", Map.of(
                "LISTEN", Targets.hostPort(listen), "ADMIN", "127.0.0.1:" + Targets.freePort(), "DIR", dir, "ORIGIN", Targets.hostPort(origin),
                "RATE", policy.rate(), "BURST", policy.burst(), "LOGIN_RATE", policy.loginRate(), "LOGIN_BURST", policy.loginBurst(),
                "CONNECTIONS", policy.connections())));
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of("run", "--config", conf.toString()));
        launch(cmd, dir, listen, 30_000);
        return listen;
    }
}

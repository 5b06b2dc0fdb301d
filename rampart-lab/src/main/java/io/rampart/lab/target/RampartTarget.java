package io.rampart.lab.target;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Rampart in its own JVM with its defaults plus the site definition (see targets/rampart.yml). */
final class RampartTarget implements Target {
    private final Policy policy;
    private final List<String> command;
    private ManagedProcess process;

    RampartTarget(Policy policy, List<String> command) {
        this.policy = policy;
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
                "LISTEN", Targets.hostPort(listen), "ADMIN", "127.0.0.1:" + freePort(), "DIR", dir, "ORIGIN", Targets.hostPort(origin),
                "RATE", policy.rate(), "BURST", policy.burst(), "LOGIN_RATE", policy.loginRate(), "LOGIN_BURST", policy.loginBurst(),
                "CONNECTIONS", policy.connections())));
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of("run", "--config", conf.toString()));
        process = ManagedProcess.start("rampart", cmd, dir.resolve("output.log"));
        Targets.awaitReady(listen, process, 30_000);
        return listen;
    }

    static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public ProcessHandle process() {
        return process == null ? null : process.handle();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}

package io.rampart.lab.target;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Three Rampart nodes as one cluster through a redis-server of their own, each node in its own JVM
 * with the same configuration as the single {@code rampart} target plus {@code cluster:}. The lab's
 * clients spread their connections over the nodes (each new connection to the next node), as a
 * round-robin balancer in front of them would. One process group: a shell starts the store and the
 * nodes, so the lab measures the CPU and memory of all of them together.
 */
final class ClusterTarget extends ProcessTarget {
    static final int NODES = 3;
    private final List<String> command;
    private final List<InetSocketAddress> others = new ArrayList<>();

    ClusterTarget(Policy policy, List<String> command) {
        super(policy);
        this.command = command;
    }

    @Override
    public String name() {
        return "cluster";
    }

    @Override
    public InetSocketAddress start(Path workDir, InetSocketAddress origin, InetSocketAddress listen) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(workDir.resolve("cluster"));
        int redisPort = Targets.freePort();
        StringBuilder script = new StringBuilder("redis-server --port " + redisPort + " --bind 127.0.0.1 --save '' --appendonly no --dir '"
                + dir + "' --loglevel warning &\n");
        List<InetSocketAddress> listens = new ArrayList<>();
        listens.add(listen);
        for (int i = 1; i < NODES; i++) {
            listens.add(new InetSocketAddress(listen.getAddress(), Targets.freePort()));
        }
        for (int i = 0; i < NODES; i++) {
            String node = "node-" + (char) ('a' + i);
            Path nodeDir = Files.createDirectories(dir.resolve(node));
            Path conf = nodeDir.resolve("rampart.yml");
            String yaml = Targets.template("rampart.yml", Map.of(
                    "LISTEN", Targets.hostPort(listens.get(i)), "ADMIN", "127.0.0.1:" + Targets.freePort(), "DIR", nodeDir,
                    "ORIGIN", Targets.hostPort(origin), "RATE", policy.rate(), "BURST", policy.burst(), "LOGIN_RATE", policy.loginRate(),
                    "LOGIN_BURST", policy.loginBurst(), "CONNECTIONS", policy.connections()))
                    + "cluster:\n  store: redis://127.0.0.1:" + redisPort + "/0\n  node: " + node + "\n";
            Files.writeString(conf, RampartTarget.withExtra(yaml, RampartTarget.extraYaml()));
            List<String> cmd = new ArrayList<>(command);
            // three JVMs share this machine's cores: each sizes its event loops and GC threads for one
            cmd.add(1, "-XX:ActiveProcessorCount=1");
            cmd.addAll(List.of("run", "--config", conf.toString()));
            for (String part : cmd) {
                script.append('\'').append(part.replace("'", "'\\''")).append("' ");
            }
            script.append("&\n");
        }
        script.append("wait\n");
        launch(List.of("bash", "-c", script.toString()), dir, listen, 60_000);
        others.clear();
        for (int i = 1; i < NODES; i++) {
            Targets.awaitReady(listens.get(i), null, 60_000);
            others.add(listens.get(i));
        }
        return listen;
    }

    @Override
    public List<InetSocketAddress> moreAddresses() {
        return List.copyOf(others);
    }
}

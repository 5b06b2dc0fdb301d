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

    /**
     * Top-level YAML appended to the generated configuration, from the environment variable
     * {@code RAMPART_LAB_EXTRA_YAML}, for A/B runs ({@code detection: {enabled: false}}). Empty when unset.
     */
    static String extraYaml() {
        String extra = System.getenv("RAMPART_LAB_EXTRA_YAML");
        return extra == null || extra.isBlank() ? "" : "\n# from RAMPART_LAB_EXTRA_YAML\n" + extra + "\n";
    }

    /** {@code base} with {@code extra}'s top-level keys added, each replacing the same key's block in {@code base}. */
    static String withExtra(String base, String extra) {
        if (extra.isBlank()) {
            return base;
        }
        java.util.Set<String> keys = new java.util.HashSet<>();
        for (String line : extra.split("\n")) {
            if (!line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#") && line.indexOf(':') > 0) {
                keys.add(line.substring(0, line.indexOf(':')).trim());
            }
        }
        StringBuilder out = new StringBuilder();
        boolean skipping = false;
        for (String line : base.split("\n", -1)) {
            boolean topLevel = !line.isEmpty() && !Character.isWhitespace(line.charAt(0)) && !line.startsWith("#");
            if (topLevel) {
                skipping = line.indexOf(':') > 0 && keys.contains(line.substring(0, line.indexOf(':')).trim());
            }
            if (!skipping) {
                out.append(line).append('\n');
            }
        }
        return out + extra;
    }

    @Override
    public String name() {
        return "rampart";
    }

    @Override
    public InetSocketAddress start(Path workDir, InetSocketAddress origin, InetSocketAddress listen) throws IOException, InterruptedException {
        Path dir = Files.createDirectories(workDir.resolve("rampart"));
        Path conf = dir.resolve("rampart.yml");
        Files.writeString(conf, withExtra(Targets.template("rampart.yml", Map.of(
                "LISTEN", Targets.hostPort(listen), "ADMIN", "127.0.0.1:" + Targets.freePort(), "DIR", dir, "ORIGIN", Targets.hostPort(origin),
                "RATE", policy.rate(), "BURST", policy.burst(), "LOGIN_RATE", policy.loginRate(), "LOGIN_BURST", policy.loginBurst(),
                "CONNECTIONS", policy.connections())), extraYaml()));
        List<String> cmd = new ArrayList<>(command);
        cmd.addAll(List.of("run", "--config", conf.toString()));
        launch(cmd, dir, listen, 30_000);
        return listen;
    }
}

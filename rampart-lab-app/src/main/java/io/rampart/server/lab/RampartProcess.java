package io.rampart.server.lab;

import io.rampart.server.Main;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** How the lab starts Rampart as a target: this JVM's java and class path, in a process of its own. */
final class RampartProcess {
    private RampartProcess() {
    }

    static List<String> command() {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>(List.of(java, "-Xms512m", "-Xmx512m"));
        String extra = System.getenv("RAMPART_JAVA_OPTS");
        if (extra != null && !extra.isBlank()) {
            cmd.addAll(List.of(extra.trim().split("\\s+")));
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), Main.class.getName()));
        return cmd;
    }

    /** The version, and the git commit when run from a checkout. */
    static String version() {
        String v = Main.class.getPackage().getImplementationVersion();
        String version = "rampart " + (v == null ? "dev" : v);
        try {
            Process p = new ProcessBuilder("git", "rev-parse", "--short", "HEAD").redirectErrorStream(true).start();
            String commit = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            if (p.waitFor(5, TimeUnit.SECONDS) && p.exitValue() == 0 && commit.matches("[0-9a-f]{4,40}")) {
                version += ", commit " + commit;
            }
        } catch (IOException e) {
            return version;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return version;
    }
}

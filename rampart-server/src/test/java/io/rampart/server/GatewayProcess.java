package io.rampart.server;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@code rampart ARGS} as a real process of its own (this test's class path, the production
 * logging configuration rather than the class path's logback-test.xml), its output lines collected
 * as they come; started once the banner names the gateway's address, stopped when closed.
 */
final class GatewayProcess implements AutoCloseable {
    final Process process;
    final List<String> seen = new CopyOnWriteArrayList<>();

    GatewayProcess(String... args) throws Exception {
        this(Map.of(), List.of(), args);
    }

    GatewayProcess(Map<String, String> env, String... args) throws Exception {
        this(env, List.of(), args);
    }

    /** @param prefix what runs java (a resource limit, for instance: {@code prlimit --nofile=… --}) */
    GatewayProcess(Map<String, String> env, List<String> prefix, String... args) throws Exception {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlogback.configurationFile=" + Path.of("target", "classes", "logback.xml").toAbsolutePath(),
                "-cp", System.getProperty("java.class.path"), Main.class.getName()));
        cmd.addAll(Arrays.asList(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).redirectErrorStream(true);
        pb.environment().putAll(env);
        process = pb.start();
        Thread reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream()))) {
                String line;
                while ((line = lines.readLine()) != null) {
                    seen.add(line);
                }
            } catch (Exception ignored) {
                // the process ended
            }
        });
        reader.setDaemon(true);
        reader.start();
        try {
            await().atMost(Duration.ofSeconds(30)).until(() -> seen.stream().anyMatch(l -> l.contains("gateway:")));
        } catch (RuntimeException e) {
            close();
            throw e;
        }
    }

    void signal(String name) throws Exception {
        new ProcessBuilder("kill", "-" + name, Long.toString(process.pid())).start().waitFor();
    }

    /** Waits for a line that contains every one of {@code texts}. */
    void awaitLine(String... texts) {
        await().atMost(Duration.ofSeconds(10)).until(() -> seen.stream().anyMatch(l -> Arrays.stream(texts).allMatch(l::contains)));
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        process.waitFor(10, TimeUnit.SECONDS);
        process.destroyForcibly();
    }
}

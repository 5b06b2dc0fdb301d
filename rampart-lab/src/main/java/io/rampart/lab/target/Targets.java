package io.rampart.lab.target;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/** Target names, config templates and the readiness check shared by the gateway targets. */
public final class Targets {
    public static final List<String> NAMES = List.of("none", "nginx", "haproxy", "rampart");
    /** Targets run only when named ({@code --targets …,cluster}): three Rampart nodes and a redis-server. */
    public static final List<String> ON_REQUEST = List.of("cluster");

    private Targets() {
    }

    /**
     * The target called {@code name}; {@code rampartCommand} is how to start Rampart (java, its
     * options and main class; the lab adds {@code run --config FILE}).
     */
    public static Target of(String name, Policy policy, Supplier<List<String>> rampartCommand) {
        switch (name) {
            case "none": return new NoTarget();
            case "nginx": return new NginxTarget(policy);
            case "haproxy": return new HaproxyTarget(policy);
            case "rampart": return new RampartTarget(policy, rampartCommand.get());
            case "cluster": return new ClusterTarget(policy, rampartCommand.get());
            default: throw new IllegalArgumentException("unknown target '" + name + "'; expected some of " + String.join(",", NAMES)
                    + " (or " + String.join(",", ON_REQUEST) + ")");
        }
    }

    /** Fills {@code {{KEY}}} placeholders of a template under {@code targets/}. */
    static String template(String name, Map<String, Object> values) throws IOException {
        String text;
        try (InputStream in = Targets.class.getClassLoader().getResourceAsStream("targets/" + name)) {
            if (in == null) {
                throw new IOException("template targets/" + name + " missing from the classpath");
            }
            text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
        for (Map.Entry<String, Object> e : values.entrySet()) {
            text = text.replace("{{" + e.getKey() + "}}", String.valueOf(e.getValue()));
        }
        if (text.contains("{{")) {
            throw new IllegalStateException("template targets/" + name + " has an unfilled placeholder");
        }
        return text;
    }

    /** A TCP port free on this machine right now. */
    public static int freePort() throws IOException {
        try (java.net.ServerSocket s = new java.net.ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    static String hostPort(InetSocketAddress a) {
        return a.getAddress().getHostAddress() + ":" + a.getPort();
    }

    /** Waits until {@code address} answers an HTTP request for a static asset with any status below 500. */
    static void awaitReady(InetSocketAddress address, ManagedProcess process, long timeoutMillis) throws IOException, InterruptedException {
        long deadline = System.currentTimeMillis() + timeoutMillis;
        String last = "no answer";
        while (System.currentTimeMillis() < deadline) {
            if (process != null && !process.alive()) {
                throw new IOException(process.name() + " exited during start-up; its output:\n" + tail(process.log()));
            }
            try (Socket s = new Socket()) {
                s.connect(address, 500);
                s.setSoTimeout(2000);
                OutputStream out = s.getOutputStream();
                out.write(("GET /static/logo.svg HTTP/1.1\r\nHost: campaign.test\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                out.flush();
                byte[] head = s.getInputStream().readNBytes(12);
                String status = new String(head, StandardCharsets.US_ASCII);
                if (status.startsWith("HTTP/1.1 ") && status.charAt(9) < '5') {
                    return;
                }
                last = status;
            } catch (IOException e) {
                last = e.getMessage();
            }
            Thread.sleep(100);
        }
        throw new IOException((process == null ? "origin" : process.name()) + " did not answer on " + hostPort(address) + " (" + last + ")"
                + (process == null ? "" : "; its output:\n" + tail(process.log())));
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 15), lines.size()));
        } catch (IOException e) {
            return "(no output)";
        }
    }

    static int workers() {
        return Math.max(1, Runtime.getRuntime().availableProcessors());
    }
}

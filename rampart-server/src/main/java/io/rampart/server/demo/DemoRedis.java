package io.rampart.server.demo;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The demo cluster's store: Debian's {@code redis-server} (installed with apt-get when missing and
 * run as root), on a free loopback port, its data in a temporary directory, stopped with the demo.
 */
public final class DemoRedis implements AutoCloseable {
    private final Process process;
    private final int port;
    private final Path dir;

    private DemoRedis(Process process, int port, Path dir) {
        this.process = process;
        this.port = port;
        this.dir = dir;
    }

    /** Starts one, installing the package first if needed; says why not in the exception otherwise. */
    public static DemoRedis start(PrintWriter out) throws IOException, InterruptedException {
        if (!onPath("redis-server")) {
            if (!"root".equals(System.getProperty("user.name"))) {
                throw new IOException("redis-server is not installed: sudo apt-get install -y redis-server (or give --redis redis://HOST:6379/0)");
            }
            out.println("installing redis-server from Debian (apt-get install -y redis-server)...");
            out.flush();
            Process apt = new ProcessBuilder("apt-get", "install", "-y", "redis-server").redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
            if (apt.waitFor() != 0 || !onPath("redis-server")) {
                throw new IOException("apt-get install -y redis-server failed; install it by hand, or give --redis redis://HOST:6379/0");
            }
        }
        int port;
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = s.getLocalPort();
        }
        Path dir = Files.createTempDirectory("rampart-demo-redis");
        Process p = new ProcessBuilder(List.of("redis-server", "--port", Integer.toString(port), "--bind", "127.0.0.1",
                "--save", "", "--appendonly", "no", "--dir", dir.toString(), "--loglevel", "warning"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("redis.log").toFile()).start();
        DemoRedis r = new DemoRedis(p, port, dir);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!r.answers()) {
            if (!p.isAlive() || System.nanoTime() > deadline) {
                r.close();
                throw new IOException("redis-server did not start: " + Files.readString(dir.resolve("redis.log")));
            }
            Thread.sleep(20); // polling for the server to answer
        }
        return r;
    }

    public String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    private boolean answers() {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress("127.0.0.1", port), 500);
            s.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            byte[] b = new byte[7];
            return s.getInputStream().read(b) > 0 && new String(b, StandardCharsets.US_ASCII).startsWith("+PONG");
        } catch (IOException e) {
            return false;
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv("PATH");
        for (String d : (path == null ? "/usr/bin:/bin:/usr/sbin:/sbin" : path).split(":")) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

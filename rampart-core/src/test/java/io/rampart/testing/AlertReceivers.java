package io.rampart.testing;

import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;

/**
 * Real receivers for alerts on loopback: an HTTP server (the JDK's) that keeps every webhook body
 * and can fail its first calls, and Debian's aiosmtpd, a real SMTP server writing a maildir.
 */
public final class AlertReceivers implements AutoCloseable {
    private HttpServer http;
    private Process smtp;
    private Path maildir;
    private int smtpPort;
    /** Each accepted webhook call: its content type, a newline, its body. */
    public final List<String> webhookBodies = new CopyOnWriteArrayList<>();

    /** Starts the webhook receiver; its first {@code failFirst} calls get 503. Returns its URL. */
    public String webhook(int failFirst) throws IOException {
        AtomicInteger calls = new AtomicInteger();
        http = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        http.createContext("/hook", ex -> {
            String body = new String(ex.getRequestBody().readAllBytes(), StandardCharsets.UTF_8);
            int status = calls.incrementAndGet() <= failFirst ? 503 : 204;
            if (status == 204) {
                webhookBodies.add(ex.getRequestHeaders().getFirst("Content-Type") + "\n" + body);
            }
            ex.sendResponseHeaders(status, -1);
            ex.close();
        });
        http.start();
        return "http://127.0.0.1:" + http.getAddress().getPort() + "/hook";
    }

    /** Starts aiosmtpd writing to {@code dir}; returns its {@code host:port} once it accepts connections. */
    public String smtp(Path dir) throws IOException {
        smtpPort = freePort();
        maildir = dir.resolve("mail");
        smtp = new ProcessBuilder("/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l", "127.0.0.1:" + smtpPort,
                "-c", "aiosmtpd.handlers.Mailbox", maildir.toString()).redirectErrorStream(true)
                .redirectOutput(dir.resolve("smtp.log").toFile()).start();
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            try (Socket s = new Socket("127.0.0.1", smtpPort)) {
                return true;
            } catch (IOException e) {
                return false;
            }
        });
        return "127.0.0.1:" + smtpPort;
    }

    /** Every mail received so far, as text. */
    public List<String> mails() throws IOException {
        List<String> out = new ArrayList<>();
        Path box = maildir.resolve("new");
        if (!Files.isDirectory(box)) {
            return out;
        }
        try (Stream<Path> s = Files.list(box)) {
            for (Path p : s.sorted().toList()) {
                out.add(Files.readString(p));
            }
        }
        return out;
    }

    /** A port nothing listens on (just closed). */
    public static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        if (http != null) {
            http.stop(0);
        }
        if (smtp != null) {
            smtp.destroy();
        }
    }
}

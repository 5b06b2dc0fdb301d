package io.rampart.server;

import io.rampart.config.HostPort;
import io.rampart.config.RampartConfig;
import io.rampart.proxy.Gateway;
import io.rampart.server.admin.AdminServer;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;

/**
 * Starts a gateway and its admin listener, and stops both gracefully on {@code SIGTERM}/Ctrl-C
 * (listeners close, requests in flight finish within {@code timeouts.shutdownGrace}).
 */
final class GatewayRunner implements AutoCloseable {
    private final Gateway gateway;
    private final AdminServer admin;
    private final List<AutoCloseable> extras = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);

    private GatewayRunner(Gateway gateway, AdminServer admin) {
        this.gateway = gateway;
        this.admin = admin;
    }

    static GatewayRunner start(RampartConfig config) throws IOException {
        Gateway g = Gateway.start(config);
        AdminServer a = null;
        try {
            if (config.admin().enabled()) {
                a = AdminServer.start(g, HostPort.parse(config.admin().address()));
            }
        } catch (IOException e) {
            g.stop(Duration.ZERO);
            throw e;
        }
        return new GatewayRunner(g, a);
    }

    Gateway gateway() {
        return gateway;
    }

    InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    /** Closed after the gateway when this runner stops (the demo origin). */
    void alsoClose(AutoCloseable c) {
        extras.add(c);
    }

    void printUrls(PrintWriter out) {
        for (InetSocketAddress a : gateway.listenAddresses()) {
            out.println("  gateway:  http://" + hostPort(a) + "/");
        }
        if (admin != null) {
            out.println("  metrics:  http://" + hostPort(admin.address()) + "/metrics");
            out.println("  health:   http://" + hostPort(admin.address()) + "/healthz");
            out.println("  detection: http://" + hostPort(admin.address()) + "/detection");
        }
        out.flush();
    }

    static String hostPort(InetSocketAddress a) {
        String host = a.getAddress().getHostAddress();
        if (host.indexOf(':') >= 0) {
            host = "[" + host.replaceAll("%.*$", "") + "]";
        }
        return host + ":" + a.getPort();
    }

    /** Blocks until SIGTERM/Ctrl-C (or {@code maxRun} if not null), then stops gracefully. */
    void awaitShutdown(Duration maxRun) throws InterruptedException {
        Thread hook = new Thread(() -> {
            close();
        }, "rampart-shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        if (maxRun == null) {
            stopped.await();
        } else if (!stopped.await(maxRun.toMillis(), java.util.concurrent.TimeUnit.MILLISECONDS)) {
            Runtime.getRuntime().removeShutdownHook(hook);
            close();
        }
    }

    @Override
    public synchronized void close() {
        if (stopped.getCount() == 0) {
            return;
        }
        gateway.close();
        if (admin != null) {
            admin.close();
        }
        for (AutoCloseable c : extras) {
            try {
                c.close();
            } catch (Exception ignored) {
                // best effort at shutdown
            }
        }
        stopped.countDown();
    }
}

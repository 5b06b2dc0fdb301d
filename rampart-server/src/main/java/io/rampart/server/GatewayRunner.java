package io.rampart.server;

import io.rampart.config.ConfigException;
import io.rampart.config.ConfigLoader;
import io.rampart.config.HostPort;
import io.rampart.config.RampartConfig;
import io.rampart.incident.Incidents;
import io.rampart.proxy.Gateway;
import io.rampart.server.admin.AdminServer;
import io.rampart.server.admin.AdminToken;
import io.rampart.server.admin.ListFile;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.function.UnaryOperator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Starts a gateway and its admin listener, reloads the configuration on a file change,
 * {@code SIGHUP} or an API call (a broken file is refused with its errors and the running
 * configuration stays), and stops both gracefully on {@code SIGTERM}/Ctrl-C (listeners close,
 * requests in flight finish within {@code timeouts.shutdownGrace}).
 */
final class GatewayRunner implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(GatewayRunner.class);
    private final Gateway gateway;
    private final AdminServer admin;
    private final Path configFile;
    private final UnaryOperator<RampartConfig> overrides;
    private final List<AutoCloseable> extras = new ArrayList<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private ConfigWatcher watcher;

    private GatewayRunner(Gateway gateway, AdminServer admin, Path configFile, UnaryOperator<RampartConfig> overrides) {
        this.gateway = gateway;
        this.admin = admin;
        this.configFile = configFile;
        this.overrides = overrides;
    }

    static GatewayRunner start(RampartConfig config) throws IOException {
        return start(config, null, UnaryOperator.identity());
    }

    /**
     * @param configFile where {@code config} came from (reloads read it again), or null
     * @param overrides  what the command line changes in every configuration read from the file
     */
    static GatewayRunner start(RampartConfig config, Path configFile, UnaryOperator<RampartConfig> overrides) throws IOException {
        Gateway g = config.cluster().enabled() ? Gateway.start(config, io.rampart.redis.RedisCluster.of(config.cluster()))
                : Gateway.start(config);
        g.metrics().bindRuntime(); // jvm_*, process_*, rampart_build_info: for the running gateway, not every test's
        ListFile lists = config.dataDir() == null ? null : new ListFile(Path.of(config.dataDir()));
        if (lists != null) {
            lists.restoreInto(g.lists());
        }
        AdminServer a = null;
        GatewayRunner[] self = new GatewayRunner[1];
        try {
            if (config.admin().enabled()) {
                AdminToken token = AdminToken.resolve(config.admin().tokenFile(), config.dataDir());
                a = AdminServer.start(g, HostPort.parse(config.admin().address()), token,
                        io.rampart.server.admin.Operators.of(token, config.admin()),
                        config.dataDir() == null ? null : java.nio.file.Path.of(config.dataDir()),
                        configFile == null ? null : () -> self[0].reload(),
                        lists == null ? null : () -> lists.save(g.lists()));
            }
        } catch (IOException | RuntimeException e) {
            g.stop(Duration.ZERO);
            throw e instanceof IOException ? (IOException) e : new IOException(e.getMessage(), e);
        }
        GatewayRunner r = new GatewayRunner(g, a, configFile, overrides);
        self[0] = r;
        if (configFile != null) {
            r.watcher = new ConfigWatcher(configFile, () -> r.reloadLogged("a change of " + configFile));
            Signals.on("HUP", () -> r.reloadLogged("SIGHUP"));
        } else {
            Signals.on("HUP", () -> LOG.info("SIGHUP: there is no configuration file to reload (started without --config); still serving"));
        }
        Signals.on("USR1", () -> LOG.info("SIGUSR1: {}", g.reopenLogs()));
        return r;
    }

    /**
     * Reads the configuration file again and applies it.
     *
     * @throws ConfigException          when the file is invalid (its errors, each with its path)
     * @throws IllegalArgumentException when a setting that needs a restart changed
     */
    synchronized String reload() throws ConfigException {
        RampartConfig next = new ConfigLoader().load(configFile);
        next = ConfigLoader.validated(overrides.apply(next), configFile.toString());
        return "reloaded " + configFile + ": " + gateway.reload(next);
    }

    /** A reload nobody asked through the API for (file change, SIGHUP): logged, and noted in open incidents. */
    private void reloadLogged(String why) {
        Incidents incidents = gateway.incidents();
        try {
            String what = reload();
            LOG.info("{} (after {})", what, why);
            if (incidents != null) {
                incidents.audit(null, why, "configuration " + what);
            }
        } catch (ConfigException | RuntimeException e) {
            LOG.error("configuration NOT reloaded after {}; the running configuration stays:\n{}", why, e.getMessage());
            if (incidents != null) {
                incidents.audit(null, why, "configuration reload refused: " + e.getMessage());
            }
        }
    }

    Gateway gateway() {
        return gateway;
    }

    InetSocketAddress adminAddress() {
        return admin == null ? null : admin.address();
    }

    AdminToken adminToken() {
        return admin == null ? null : admin.token();
    }

    /** Closed after the gateway when this runner stops (the demo origin). */
    void alsoClose(AutoCloseable c) {
        extras.add(c);
    }

    void printUrls(PrintWriter out) {
        for (InetSocketAddress a : gateway.listenAddresses()) {
            out.println("  gateway:   http://" + hostPort(a) + "/");
        }
        if (admin != null) {
            String base = "http://" + hostPort(admin.address());
            AdminToken t = admin.token();
            if (t.generated()) {
                out.println("  dashboard: " + base + "/?token=" + t.value());
                out.println("             (admin token generated" + (t.source().startsWith("generated") ? " for this run" : ", kept in " + t.source()) + ")");
            } else {
                out.println("  dashboard: " + base + "/?token=…  (token from " + t.source() + ")");
            }
            out.println("  admin API: " + base + "/api/status  (Authorization: Bearer TOKEN)");
            out.println("  metrics:   " + base + "/metrics");
            out.println("  health:    " + base + "/healthz");
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
        Thread hook = new Thread(this::close, "rampart-shutdown");
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
        if (watcher != null) {
            watcher.close();
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

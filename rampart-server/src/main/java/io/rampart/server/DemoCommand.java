package io.rampart.server;

import io.rampart.config.ConfigLoader;
import io.rampart.config.HostPort;
import io.rampart.config.RampartConfig;
import io.rampart.server.demo.DemoOrigin;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "demo", description = "Starts a small demo origin and a protected gateway in front of it, and prints the URLs.")
final class DemoCommand implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8000", description = "gateway address (default ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--origin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080", description = "demo origin address (default ${DEFAULT-VALUE})")
    String origin;

    @Option(names = "--admin", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:9090", description = "admin address (default ${DEFAULT-VALUE})")
    String admin;

    @Option(names = "--attack", description = "run a one-minute attack drill against the demo from loopback addresses (the lab's origin replaces the demo page)")
    boolean attack;

    @Option(names = "--under-attack", description = "challenge every browser with the proof-of-work page first (open the gateway's URL to see it)")
    boolean underAttack;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "where incidents and the admin token are kept (default ./rampart-data)")
    String dataDir;

    @Option(names = "--cluster", paramLabel = "N", description = "run N gateway nodes as one cluster (2 to 9) through a redis-server started for the demo "
            + "(installed from Debian if missing): node i listens on the gateway port + i, its admin on the admin port + i")
    int cluster;

    @Option(names = "--redis", paramLabel = "URL", description = "with --cluster: use this store instead of starting one (redis://HOST:6379/0)")
    String redis;

    @Option(names = "--exit-after", paramLabel = "DURATION", hidden = true, description = "stop by itself after this long (tests)")
    String exitAfter;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        HostPort originAddress;
        try {
            originAddress = HostPort.parse(origin);
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("--origin: " + e.getMessage());
            return 2;
        }
        Duration maxRun = exitAfter == null ? null : io.rampart.config.Durations.parse(exitAfter);
        DemoAttack drill = null;
        AutoCloseable demo;
        InetSocketAddress originBound;
        if (attack) {
            drill = java.util.ServiceLoader.load(DemoAttack.class).findFirst().orElse(null);
            if (drill == null) {
                spec.commandLine().getErr().println("--attack: the attack drill is part of the lab, not of the gateway's jar: "
                        + "bin/rampart demo --attack runs it from the lab's jar (rampart-lab-app/target/rampart-lab.jar)");
                return 2;
            }
            originBound = drill.startOrigin(originAddress.toSocketAddress());
            demo = drill;
        } else {
            DemoOrigin d = new DemoOrigin(originAddress.toSocketAddress());
            demo = d;
            originBound = d.address();
        }
        String originUrl = "http://" + GatewayRunner.hostPort(originBound);
        RampartConfig config;
        try {
            config = RampartConfig.forUpstream(originUrl, listen, admin);
            if (underAttack) {
                config = config.withEverySiteUnderAttack();
            }
            if (attack) {
                // the drill's access log would drown the progress lines: it goes to a file
                java.nio.file.Path log = java.nio.file.Files.createTempFile("rampart-demo-access-", ".log");
                config = config.withAccessLog(new io.rampart.config.AccessLogConfig(log.toString(), null));
            }
            config = config.withDataDir(dataDir == null ? RunCommand.DEFAULT_DATA_DIR : dataDir);
            config = ConfigLoader.validated(config, "demo");
        } catch (io.rampart.config.ConfigException e) {
            demo.close();
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        if (cluster != 0 && (cluster < 2 || cluster > 9)) {
            demo.close();
            spec.commandLine().getErr().println("--cluster: expected 2 to 9 nodes, got " + cluster);
            return 2;
        }
        if (cluster >= 2) {
            try {
                return runCluster(config, demo, originUrl, maxRun);
            } catch (java.io.IOException | RuntimeException e) {
                demo.close();
                spec.commandLine().getErr().println("--cluster: " + e.getMessage());
                return 2;
            }
        }
        GatewayRunner runner;
        try {
            runner = GatewayRunner.start(config);
        } catch (java.io.IOException e) {
            demo.close();
            throw e;
        }
        runner.alsoClose(demo);
        try (runner) {
            PrintWriter out = spec.commandLine().getOut();
            String gw = "http://" + GatewayRunner.hostPort(runner.gateway().listenAddresses().get(0));
            out.println("Rampart demo");
            out.println("  origin:   " + originUrl + "/  (unprotected, for comparison)");
            runner.printUrls(out);
            out.println();
            out.println("Try it:");
            if (underAttack) {
                out.println("  open " + gw + "/ in a browser: it passes the proof-of-work challenge by itself and lands on the page");
            }
            out.println("  curl -i " + gw + "/");
            out.println("  curl -s -o /dev/null -w '%{http_code}\\n' \"" + gw + "/?n=[1-300]\" | sort | uniq -c");
            out.println(underAttack ? "      (curl does not solve the challenge: about 100 get 403 and the challenge page, the rest 429 from the rate limit)"
                    : "      (300 requests on one connection: about 100 pass as a burst, the rest get 429 with Retry-After)");
            if (runner.adminAddress() != null) {
                String adminBase = "http://" + GatewayRunner.hostPort(runner.adminAddress());
                out.println("  curl -s " + adminBase + "/metrics | grep rampart_requests");
                out.println("  curl -s -H \"Authorization: Bearer $(cat " + config.dataDir() + "/admin-token)\" " + adminBase + "/api/status");
                out.println("  bin/rampart incidents --data-dir " + config.dataDir() + "    (after an attack: bin/rampart report ID --format html)");
            }
            if (attack) {
                out.println("Access log (JSON): " + config.accessLog().path());
                InetSocketAddress gateway = runner.gateway().listenAddresses().get(0);
                Duration drillLength = maxRun == null || maxRun.toSeconds() >= 61 ? null : maxRun.minusSeconds(1);
                runner.alsoClose(drill.startDrill(gateway, drillLength, out));
            } else {
                out.println("Access log (JSON) follows; Ctrl-C stops.");
            }
            out.flush();
            runner.awaitShutdown(maxRun);
        }
        return 0;
    }

    private static int seen(GatewayRunner n) {
        Object v = n.gateway().cluster().describe().get("nodes");
        return v instanceof java.util.List<?> l ? l.size() : 0;
    }

    /** N nodes in this process, one store, one origin: the first node's runner owns the others, the store and the origin. */
    private int runCluster(RampartConfig config, AutoCloseable demo, String originUrl, Duration maxRun) throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        io.rampart.server.demo.DemoRedis store = redis == null ? io.rampart.server.demo.DemoRedis.start(out) : null;
        String url = redis != null ? redis : store.url();
        HostPort gw = HostPort.parse(listen);
        HostPort adm = HostPort.parse(admin);
        java.util.List<GatewayRunner> nodes = new java.util.ArrayList<>();
        try {
            for (int i = 0; i < cluster; i++) {
                String name = "node-" + (char) ('a' + i);
                RampartConfig c = new RampartConfig(
                        java.util.List.of(new io.rampart.config.ListenerConfig(gw.host() + ":" + (gw.port() == 0 ? 0 : gw.port() + i), false)),
                        new io.rampart.config.AdminConfig(adm.host() + ":" + (adm.port() == 0 ? 0 : adm.port() + i), true),
                        config.trustedProxies(), config.allow(), config.deny(), config.limits(), config.timeouts(), config.connections(),
                        config.http(), config.http2(), config.limiter(), config.accessLog(), config.challenge(), config.knownUsers(),
                        config.admission(), config.shield(), config.detection(),
                        java.nio.file.Path.of(config.dataDir(), name).toString(), config.incidents(), config.alerts(), config.acme(),
                        config.firewall(), new io.rampart.config.ClusterConfig(url, name, null, null, null, null, null), config.sites());
                nodes.add(GatewayRunner.start(ConfigLoader.validated(c, "demo " + name)));
            }
        } catch (Exception e) {
            for (GatewayRunner n : nodes) {
                n.close();
            }
            if (store != null) {
                store.close();
            }
            throw e;
        }
        GatewayRunner first = nodes.get(0);
        for (int i = nodes.size() - 1; i >= 1; i--) {
            first.alsoClose(nodes.get(i));
        }
        first.alsoClose(demo);
        if (store != null) {
            first.alsoClose(store);
        }
        long deadline = System.nanoTime() + 5_000_000_000L; // until every node sees every other (each beats once a second)
        while (System.nanoTime() < deadline && !nodes.stream().allMatch(n -> seen(n) >= cluster)) {
            Thread.sleep(100);
        }
        try (first) {
            out.println("Rampart demo: a cluster of " + cluster + " nodes through " + url);
            out.println("  origin:   " + originUrl + "/  (unprotected, for comparison)");
            for (int i = 0; i < nodes.size(); i++) {
                out.println("node-" + (char) ('a' + i) + ":");
                nodes.get(i).printUrls(out);
            }
            String base = "http://" + GatewayRunner.hostPort(nodes.get(0).adminAddress());
            out.println();
            out.println("Try it:");
            out.println("  curl -s -H \"Authorization: Bearer $(cat " + config.dataDir() + "/node-a/admin-token)\" " + base + "/api/cluster");
            out.println("  for p in " + java.util.stream.IntStream.range(0, cluster).mapToObj(i -> Integer.toString(gw.port() + i))
                    .collect(java.util.stream.Collectors.joining(" ")) + "; do curl -s -o /dev/null -w '%{http_code}\\n' \"http://"
                    + gw.host() + ":$p/?n=[1-150]\"; done | sort | uniq -c");
            out.println("      (150 requests to each node in turn: one burst of 100 for the whole cluster, a third of a burst more for each node");
            out.println("       that meets the client before hearing of it, and 50/s while they run: about 170 in all, where three separate");
            out.println("       gateways would each let their own burst of 100 through)");
            out.println("  deny a network on one node (POST /api/lists on node-a) and watch the others refuse it within a second");
            out.println("Ctrl-C stops every node and the store.");
            out.flush();
            first.awaitShutdown(maxRun);
        }
        return 0;
    }
}

package io.rampart.proxy;

import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import io.rampart.metrics.GatewayMetrics;
import io.rampart.mitigate.Decision;
import io.rampart.mitigate.SiteLimits;
import io.rampart.traffic.ClientAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The per-request work between "the head is decoded" and "forward or answer": route the
 * authority to a site, pick the route's limits, decide (allow list, deny list, per-client and
 * per-prefix GCRA) and record the verdict in metrics. Target: well under 1 µs and no allocation
 * ({@code -prof gc}: {@code gc.alloc.rate.norm} ≈ 0 B/op).
 *
 * <p>Run: {@code java -jar rampart-lab/target/rampart-benchmarks.jar HotPath -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HotPathBenchmark {
    private static final String CONFIG = """
            admin: {enabled: false}
            accessLog: {path: 'off'}
            allow: [192.0.2.0/24]
            deny: [198.51.100.0/24, '2001:db8:dead::/48']
            limits:
              perClient: {rate: 1000000, burst: 1000000}
              perPrefix: {rate: 1000000, burst: 1000000}
            sites:
              - name: www
                hosts: [www.example.org, '*.example.org']
                upstreams: [http://127.0.0.1:8080]
                routes:
                  - {path: /login, limits: {perClient: {rate: 5, burst: 10}}}
                  - {path: /api/, limits: {perClient: {rate: 1000000, burst: 1000000}}}
            """;

    private GatewayRuntime rt;
    private ClientAddress[] clients;
    private Decision decision;
    private int next;
    private long now;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        RampartConfig config = new ConfigLoader().parse(CONFIG, "bench");
        GatewayMetrics metrics = new GatewayMetrics(List.of("www"));
        rt = new GatewayRuntime(config, metrics, AccessLog.open("off", 0, metrics), System::nanoTime);
        clients = new ClientAddress[65536];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = ClientAddress.parse("10." + (i >> 8 & 255) + "." + (i & 255) + ".7");
        }
        decision = new Decision();
        now = System.nanoTime();
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        rt.accessLog.close();
    }

    private void oneRequest(ClientAddress client, String authority, String path, Blackhole bh) {
        Site site = rt.router.routeAuthority(authority);
        SiteLimits limits = site.limitsFor(path);
        now += 1000;
        rt.decider.decide(client, limits, now, decision);
        rt.metrics.request(site.index(), decision.verdict());
        bh.consume(decision.verdict());
    }

    /** One client, allowed: the common case for a visitor. */
    @Benchmark
    public void allowedSingleClient(Blackhole bh) {
        oneRequest(clients[0], "www.example.org", "/index.html", bh);
    }

    /** 65,536 distinct clients round-robin: limiter table slots spread over memory. */
    @Benchmark
    public void allowedManyClients(Blackhole bh) {
        ClientAddress c = clients[next++ & 65535];
        oneRequest(c, "a.example.org:8443", "/api/items", bh);
    }

    /** A flooder over its /login limit: the rejection decision. */
    @Benchmark
    public void limitedFlooder(Blackhole bh) {
        oneRequest(clients[1], "www.example.org", "/login", bh);
    }
}

package io.rampart.proxy;

import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import io.rampart.metrics.GatewayMetrics;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.ReferenceCountUtil;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.ConnectionPrints;
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
 * The per-request work between "the head is decoded" and "forward or answer", through the real
 * steps of the {@link RequestPath} on a real {@link Exchange}: hygiene, route, identify, limits
 * (allow list, deny list, per-client and per-prefix GCRA), rules, under-attack, allowed (recorded
 * and counted), then the exchange's end (reference ledger, recorder). The connection is an
 * in-memory channel; nothing is forwarded. Target: well under 1 µs and no allocation on the allow
 * path ({@code -prof gc}: {@code gc.alloc.rate.norm} ≈ 0 B/op).
 *
 * <p>Run: {@code java -jar rampart-bench/target/rampart-benchmarks.jar HotPath -prof gc}
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

    /** The steps up to the origin: what every request runs before it is forwarded or answered. */
    private static final Step[] DECIDE = {new Hygiene(), new Route(), new Identify(), new Limits(), new Rules(),
            new UnderAttack(), new Allowed()};

    private Gateway gateway;
    private EmbeddedChannel channel;
    private Exchange x;
    private ClientAddress[] clients;
    private HttpRequest index;
    private HttpRequest api;
    private HttpRequest login;
    private int next;

    @Setup(Level.Trial)
    public void setUp() throws Exception {
        RampartConfig config = new ConfigLoader().parse(CONFIG, "bench");
        GatewayMetrics metrics = new GatewayMetrics(List.of("www"));
        SharedState shared = new SharedState(config, metrics, System::nanoTime);
        GatewayRuntime rt = GatewayRuntime.first(config, shared, AccessLog.open("off", 0, metrics));
        ClientGuard guard = new ClientGuard(config.timeouts());
        Http1Connection conn = new Http1Connection(rt, guard, ClientAddress.parse("10.0.0.1"), false, "http",
                ConnectionPrints.PLAIN);
        channel = new EmbeddedChannel(guard, conn);
        x = conn.x;
        clients = new ClientAddress[65536];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = ClientAddress.parse("10." + (i >> 8 & 255) + "." + (i & 255) + ".7");
        }
        index = request("www.example.org", "/index.html");
        api = request("a.example.org:8443", "/api/items");
        login = request("www.example.org", "/login");
    }

    private static HttpRequest request(String host, String target) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
        r.headers().set("host", host).set("user-agent", "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0")
                .set("accept", "text/html").set("accept-language", "en");
        return r;
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        channel.finishAndReleaseAll();
    }

    private void oneRequest(ClientAddress client, HttpRequest req, Blackhole bh) {
        x.begin(req);
        x.client = client;
        for (Step s : DECIDE) {
            if (s.apply(x) != Outcome.CONTINUE) {
                break;
            }
        }
        bh.consume(x.decision.verdict());
        x.end(false);
        Object out;
        while ((out = channel.readOutbound()) != null) {
            ReferenceCountUtil.release(out); // a refusal's answer
        }
        x.conn.state = ClientConnection.State.IDLE;
    }

    /** One client, allowed: the common case for a visitor. */
    @Benchmark
    public void allowedSingleClient(Blackhole bh) {
        oneRequest(clients[0], index, bh);
    }

    /** 65,536 distinct clients round-robin: limiter table slots spread over memory. */
    @Benchmark
    public void allowedManyClients(Blackhole bh) {
        oneRequest(clients[next++ & 65535], api, bh);
    }

    /** A flooder over its /login limit: the rejection decision and its 429 answer. */
    @Benchmark
    public void limitedFlooder(Blackhole bh) {
        oneRequest(clients[1], login, bh);
    }
}

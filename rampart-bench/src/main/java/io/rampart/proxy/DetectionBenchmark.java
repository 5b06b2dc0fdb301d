package io.rampart.proxy;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.rampart.config.MitigationStep;
import io.rampart.mitigate.Condition;
import io.rampart.mitigate.Rule;
import io.rampart.mitigate.SitePolicy;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.Dimension;
import io.rampart.traffic.FeatureHasher;
import io.rampart.traffic.RequestFeatures;
import io.rampart.traffic.TrafficRecorder;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What issue 4's control plane costs the data plane per request: describing the request along
 * every dimension, matching it against the rules in force (three, none matching: the common case
 * under attack for a real reader), and recording it for the next tick.
 *
 * <p>Run: {@code java -jar rampart-bench/target/rampart-benchmarks.jar Detection -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DetectionBenchmark {
    private RequestFeatures features;
    private HttpRequest head;
    private ClientAddress client;
    private SitePolicy policy;
    private TrafficRecorder recorder;

    @Setup(Level.Trial)
    public void setUp() {
        FeatureHasher hasher = new FeatureHasher(7);
        features = new RequestFeatures(hasher);
        client = ClientAddress.parse("198.51.100.7");
        head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/article/1234?utm_source=news");
        head.headers().set("Host", "www.example.org")
                .set("User-Agent", "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0")
                .set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .set("Accept-Language", "en-GB,en;q=0.9").set("Accept-Encoding", "gzip, deflate, br")
                .set("Cookie", "sid=abc123; theme=dark");
        long bot = hasher.hash("HTTP/1.1 host,user-agent,accept");
        policy = new SitePolicy(List.of(
                rule("a", Condition.of(Dimension.FINGERPRINT, bot, "bot"), Condition.of(Dimension.PATH, hasher.hash("/search"), "/search")),
                rule("b", Condition.of(Dimension.QUERY, hasher.hash("q=r"), "q={random}")),
                rule("c", Condition.of(Dimension.METHOD, hasher.hash("POST"), "POST"), Condition.of(Dimension.PATH, hasher.hash("/login"), "/login"))),
                false, "attack");
        recorder = new TrafficRecorder();
    }

    private static Rule rule(String id, Condition... conditions) {
        return new Rule(id, List.of(conditions), MitigationStep.BLOCK, false, new LongAdder());
    }

    @Benchmark
    public long describeRequest() {
        return features.fill(client, head, head.uri()).value(Dimension.FINGERPRINT);
    }

    @Benchmark
    public Rule describeMatchAndRecord() {
        features.fill(client, head, head.uri());
        Rule r = policy.match(features);
        recorder.record(features, 0);
        return r;
    }
}

package io.rampart.detect;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.rampart.config.DetectionConfig;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.FeatureHasher;
import io.rampart.traffic.RequestFeatures;
import io.rampart.traffic.TrafficRecorder;
import java.time.Instant;
import java.util.SplittableRandom;
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
import org.openjdk.jmh.annotations.Warmup;

/**
 * What one normal tick costs the control thread on a site that has learned: draining the sample
 * (a full ring's worth, as at high load), reading it against the baseline, and learning it. The
 * control thread shares the machine's cores with the event loops; on a one-core gateway its tick
 * is time the event loop waits, so this is a tail-latency figure for the data plane.
 *
 * <p>Run: {@code java -jar rampart-bench/target/rampart-benchmarks.jar ControlTick -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class ControlTickBenchmark {
    private static final String[] PAGES = {"/", "/news", "/about", "/static/site.css", "/static/app.js", "/donate", "/search?q=x"};
    private static final String[] AGENTS = {
        "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0 Safari/537.36",
        "Mozilla/5.0 (iPhone; CPU iPhone OS 18_1 like Mac OS X) AppleWebKit/605.1.15 Mobile/15E148 Safari/604.1"};
    /** Sampled requests per tick: half the ring, what the recorder aims at under load. */
    private static final int PER_TICK = TrafficRecorder.SLOTS / 2;

    private TrafficRecorder recorder;
    private RequestFeatures features;
    private SiteControl site;
    private HttpRequest[] heads;
    private ClientAddress[] clients;
    private Instant at = Instant.EPOCH;
    private final SplittableRandom random = new SplittableRandom(7);

    @Setup(Level.Trial)
    public void learn() {
        recorder = new TrafficRecorder();
        features = new RequestFeatures(new FeatureHasher(3));
        DetectionConfig config = DetectionConfig.DEFAULT;
        site = new SiteControl("bench", 0, recorder, () -> false, null, config, 1, new SiteControl.EventSink() {
            @Override
            public void transition(Transition t) {
            }

            @Override
            public void event(String s, RuleEvent e) {
            }
        });
        heads = new HttpRequest[64];
        for (int i = 0; i < heads.length; i++) {
            HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, PAGES[i % PAGES.length]);
            r.headers().set("Host", "bench.invalid").set("User-Agent", AGENTS[i % AGENTS.length])
                    .set("Accept", "text/html,*/*;q=0.8").set("Accept-Language", i % 2 == 0 ? "en-GB" : "nl-NL");
            heads[i] = r;
        }
        clients = new ClientAddress[2000];
        for (int i = 0; i < clients.length; i++) {
            clients[i] = ClientAddress.parse("10." + (i / 250) + "." + (i % 250) + ".7");
        }
        for (int t = 0; t < 120; t++) {
            tick();
        }
    }

    /** A tick's traffic, recorded before each measured step (Level.Invocation: the step takes milliseconds). */
    @Setup(Level.Invocation)
    public void traffic() {
        for (int i = 0; i < PER_TICK; i++) {
            HttpRequest h = heads[random.nextInt(heads.length)];
            recorder.record(features.fill(clients[random.nextInt(clients.length)], h, h.uri()), 0);
        }
    }

    /** One normal tick's step: drain, read against the baseline, learn. */
    @Benchmark
    public int normalTick() {
        at = at.plusSeconds(1);
        site.step(at, 1, 12);
        return site.book.live().size();
    }

    private void tick() {
        traffic();
        normalTick();
    }
}

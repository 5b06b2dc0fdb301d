package io.rampart.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.rampart.admission.AdaptiveLimit;
import io.rampart.admission.AdmissionGate;
import io.rampart.admission.Lane;
import io.rampart.challenge.Tickets;
import io.rampart.challenge.TicketKeys;
import io.rampart.config.ShieldConfig;
import io.rampart.shield.Capture;
import io.rampart.shield.Shield;
import io.rampart.traffic.ClientAddress;
import java.time.Duration;
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
 * What issue 5's defences add per request: checking a clearance cookie, finding a page in the
 * shield (and the key of a cache-busting request under pressure), and taking and giving back an
 * admission slot.
 *
 * <p>Run: {@code java -jar rampart-bench/target/rampart-benchmarks.jar Defence -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class DefenceBenchmark {
    private static final String UA = "Mozilla/5.0 (X11; Linux x86_64; rv:140.0) Gecko/20100101 Firefox/140.0";

    private Tickets tickets;
    private String clearance;
    private ClientAddress client;
    private Shield shield;
    private FullHttpRequest request;
    private AdmissionGate gate;
    private AdmissionGate.Ticket ticket;

    @Setup(Level.Trial)
    public void setUp() {
        tickets = new Tickets(new TicketKeys("benchmark secret, 32 characters!", Duration.ofHours(24), System::currentTimeMillis),
                100_000, System::nanoTime);
        client = ClientAddress.parse("198.51.100.7");
        clearance = tickets.mintClearance(client, UA, 3600, 0);

        shield = new Shield(ShieldConfig.DEFAULT, System::nanoTime);
        request = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/article/7");
        request.headers().set(HttpHeaderNames.HOST, "www.example.org");
        FullHttpResponse page = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                Unpooled.wrappedBuffer(new byte[8 * 1024]));
        page.headers().set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=3600").setInt(HttpHeaderNames.CONTENT_LENGTH, 8192);
        String key = shield.key("www.example.org", "/article/7", false);
        Capture c = shield.capture(key, request, page);
        c.append(page.content());
        shield.store(c);

        gate = new AdmissionGate(new AdaptiveLimit(1000, 1000, 1000, System::nanoTime), 0.25, 0.25, 100);
        ticket = new AdmissionGate.Ticket(Runnable::run, () -> { }, () -> { });
    }

    @Benchmark
    public Tickets.Check clearanceCheck() {
        return tickets.checkClearance(clearance, client, UA);
    }

    @Benchmark
    public Object shieldHit() {
        return shield.find(shield.key("www.example.org", "/article/7", false), request.headers());
    }

    @Benchmark
    public String shieldKeyOfABusterUnderPressure() {
        return shield.key("www.example.org", "/article/7?x7gq2lpa9z&utm_source=mail", true);
    }

    @Benchmark
    public AdmissionGate.Result admitAndRelease() {
        AdmissionGate.Result r = gate.acquire(ticket, Lane.UNKNOWN, 42, 4242);
        gate.release(ticket, 1_000_000, false);
        return r;
    }
}

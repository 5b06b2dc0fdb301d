package io.rampart.proxy;

import io.rampart.traffic.BrowsingHabits;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the browsing-habits signal (issue 17) adds per request: telling an asset from a page by
 * its path, and noting the request against the client (many clients, so the table's slots miss
 * the cache as they would under a botnet).
 *
 * <p>Run: {@code java -jar rampart-bench/target/rampart-benchmarks.jar Habits -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class HabitsBenchmark {
    private final BrowsingHabits habits = new BrowsingHabits();
    private final String[] targets = {"/search?q=abc123", "/static/site.css", "/article/12", "/static/app.js?v=3"};
    private long client;
    private int next;

    @Benchmark
    public boolean noteManyClients() {
        long key = (client += 0x9E3779B97F4A7C15L);
        String target = targets[next++ & 3];
        boolean asset = BrowsingHabits.isAsset(target);
        return habits.note(key, !asset, asset);
    }

    @Benchmark
    public boolean isAsset() {
        return BrowsingHabits.isAsset(targets[next++ & 3]);
    }
}

package io.rampart.proxy;

import io.rampart.mitigate.Reason;
import io.rampart.mitigate.RefIds;
import io.rampart.mitigate.RefLedger;
import io.rampart.mitigate.Verdict;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.TrafficRecorder;
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
 * What issue 6 adds to every finished request on the data plane: remembering it by reference id
 * (so {@code /api/refs/ID} can explain it) and counting its response for the incident's impact and
 * data-egress figures. Both should be a few nanoseconds and allocate nothing.
 *
 * <p>Run: {@code java -jar rampart-bench/target/rampart-benchmarks.jar IncidentBookkeeping -prof gc}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g"})
public class IncidentBookkeepingBenchmark {
    private RefLedger ledger;
    private TrafficRecorder recorder;
    private ClientAddress client;
    private long ref;

    @Setup(Level.Trial)
    public void setUp() {
        ledger = new RefLedger();
        recorder = new TrafficRecorder();
        client = ClientAddress.parse("198.51.100.7");
        ref = RefIds.next();
    }

    /** One finished request remembered by its reference id (the ring slot is the id's counter). */
    @Benchmark
    public RefLedger rememberByRef() {
        ledger.record(ref++, 1_763_900_000_000L, 200, "www", Verdict.ALLOW, Reason.NONE, null, client, "GET", "/article/1234");
        return ledger;
    }

    /** Its response counted: bytes to an anonymous client, under the bulk threshold. */
    @Benchmark
    public TrafficRecorder countResponse() {
        recorder.responded(48_000, false, 1 << 20, client, "/article/1234", 200);
        return recorder;
    }
}

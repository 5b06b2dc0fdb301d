package io.rampart.server.lab;

import io.rampart.lab.Kind;
import io.rampart.lab.RunClock;
import io.rampart.lab.load.LoadGenerator;
import io.rampart.lab.load.Outcome;
import io.rampart.lab.load.Tally;
import io.rampart.lab.origin.OriginStats;
import io.rampart.lab.scenario.Scenario;
import io.rampart.lab.scenario.ScenarioLoader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Locale;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The attack drill of {@code rampart demo --attack}: plays the {@code demo-drill} scenario against
 * the demo gateway from loopback addresses and prints, every five seconds, what the readers got
 * and what happened to the flood, so the metrics and the access log have something to show.
 */
public final class DemoDrill implements AutoCloseable {
    private final Thread thread;
    private final ScheduledExecutorService ticker = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "demo-drill-ticker");
        t.setDaemon(true);
        return t;
    });
    private final LoadGenerator generator = new LoadGenerator(1, Duration.ofSeconds(10));

    private DemoDrill(Thread thread) {
        this.thread = thread;
    }

    /** Starts the drill in the background; {@code length} shortens it (tests), null keeps its minute. */
    public static DemoDrill start(InetSocketAddress gateway, OriginStats origin, RunClock clock, Duration length, PrintWriter out) {
        Scenario base = ScenarioLoader.load("demo-drill");
        Scenario drill = length == null ? base : base.withDuration(length);
        AtomicReference<DemoDrill> self = new AtomicReference<>();
        Thread t = new Thread(() -> {
            DemoDrill d = self.get();
            try {
                Tally tally = d.generator.run(drill, gateway, "localhost", clock, live ->
                        d.ticker.scheduleAtFixedRate(() -> report(live, origin, clock, out), 5, 5, TimeUnit.SECONDS));
                d.ticker.shutdownNow();
                out.println("drill over: " + line(tally, origin));
                out.println("The gateway keeps running; Ctrl-C stops it.");
                out.flush();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "demo-drill");
        t.setDaemon(true);
        DemoDrill d = new DemoDrill(t);
        self.set(d);
        out.println("Attack drill (" + drill.duration().toSeconds() + " s): " + drill.summary());
        out.flush();
        t.start();
        return d;
    }

    private static void report(Tally t, OriginStats origin, RunClock clock, PrintWriter out) {
        out.printf(Locale.ROOT, "drill %3ds: %s%n", clock.second(), line(t, origin));
        out.flush();
    }

    static String line(Tally t, OriginStats origin) {
        long legit = t.ended(Kind.VISITOR, false) + t.ended(Kind.API, false);
        long ok = t.outcomes(Kind.VISITOR, Outcome.OK, false) + t.outcomes(Kind.API, Outcome.OK, false);
        long flood = t.sentSeries().total(Kind.FLOODER);
        long refused = t.outcomes(Kind.FLOODER, Outcome.LIMITED, false) + t.outcomes(Kind.FLOODER, Outcome.BLOCKED, false)
                + t.outcomes(Kind.FLOODER, Outcome.RESET, false);
        long reached = origin.arrivals().total(Kind.FLOODER);
        return String.format(Locale.ROOT, "readers and app %d/%d answered well; flood %d sent, %d refused by Rampart, %d reached the origin",
                ok, legit, flood, refused, reached);
    }

    @Override
    public void close() {
        ticker.shutdownNow();
        thread.interrupt();
        generator.close();
    }
}

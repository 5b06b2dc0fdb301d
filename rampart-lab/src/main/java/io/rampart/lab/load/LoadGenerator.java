package io.rampart.lab.load;

import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.rampart.lab.Kind;
import io.rampart.lab.RunClock;
import io.rampart.lab.scenario.Group;
import io.rampart.lab.scenario.Persona;
import io.rampart.lab.scenario.Scenario;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Plays a scenario against one target: creates every simulated client with its own loopback
 * source address, starts each group at its onset, stops everything at the end of the run, and
 * returns the {@link Tally}. Non-blocking (Netty NIO); by default one event loop, so the
 * generator takes at most one core from the gateway under test.
 */
public final class LoadGenerator implements AutoCloseable {
    private static final Group.Range VISITOR_THINK = new Group.Range(Duration.ofSeconds(2), Duration.ofSeconds(6));
    private static final Group.Range STAFF_THINK = new Group.Range(Duration.ofSeconds(1), Duration.ofSeconds(3));

    private final EventLoopGroup group;
    private final Duration timeout;

    /**
     * @param threads event loops for the simulated clients
     * @param timeout how long a client waits for an answer before it gives up
     */
    public LoadGenerator(int threads, Duration timeout) {
        this.group = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
        this.timeout = timeout;
    }

    /**
     * Runs {@code scenario} against {@code target} (in 127.0.0.0/8) and blocks until it ends.
     * {@code clock} is restarted here: second 0 is the start of the run.
     */
    public Tally run(Scenario scenario, InetSocketAddress target, String host, RunClock clock) throws InterruptedException {
        return run(scenario, target, host, clock, 0, t -> { });
    }

    /** As {@link #run(Scenario, InetSocketAddress, String, RunClock)} against several nodes: each new connection goes to the next. */
    public Tally run(Scenario scenario, java.util.List<InetSocketAddress> targets, String host, RunClock clock) throws InterruptedException {
        return run(scenario, targets, host, clock, 0, t -> { });
    }

    /** As {@link #run(Scenario, InetSocketAddress, String, RunClock)}, handing the live tally to {@code observer} first. */
    public Tally run(Scenario scenario, InetSocketAddress target, String host, RunClock clock,
                     java.util.function.Consumer<Tally> observer) throws InterruptedException {
        return run(scenario, target, host, clock, 0, observer);
    }

    /**
     * Warms the target up (JIT, connection pools) for {@code length} with quick visitors (about
     * 1,000 requests/s, each visitor under the per-client limit) from addresses no scenario uses;
     * nothing of it is scored.
     */
    public void warmUp(InetSocketAddress target, String host, Duration length) throws InterruptedException {
        warmUp(List.of(target), host, length);
    }

    /** As {@link #warmUp(InetSocketAddress, String, Duration)}, over every node of a target (each new connection to the next). */
    public void warmUp(List<InetSocketAddress> targets, String host, Duration length) throws InterruptedException {
        Scenario warm = new Scenario("warm-up", null, length,
                List.of(new Group("visitor", 100, null, null, null, null, null, null, null,
                        new Group.Range(Duration.ofMillis(30), Duration.ofMillis(120)), null, null, null, null, null, null)),
                List.of(), null);
        run(warm, targets, host, RunClock.system(), 9000, t -> { });
    }

    private Tally run(Scenario scenario, InetSocketAddress target, String host, RunClock clock, int addressOffset,
                      java.util.function.Consumer<Tally> observer) throws InterruptedException {
        return run(scenario, java.util.List.of(target), host, clock, addressOffset, observer);
    }

    private Tally run(Scenario scenario, java.util.List<InetSocketAddress> target, String host, RunClock clock, int addressOffset,
                      java.util.function.Consumer<Tally> observer) throws InterruptedException {
        int[] window = scenario.window();
        Tally tally = new Tally(scenario.seconds() + 1, window[0], window[1]);
        RunContext run = new RunContext(group, clock, tally, target, host, timeout);
        observer.accept(tally);
        clock.restart();
        AtomicLong slowOpen = new AtomicLong();
        List<Simulated> clients = build(scenario, run, slowOpen, addressOffset);
        clients.forEach(Simulated::schedule);
        ScheduledFuture<?> sampler = group.next().scheduleAtFixedRate(
                () -> tally.slowHeld(clock.second(), slowOpen.get()), 0, 250, TimeUnit.MILLISECONDS);
        long remaining = scenario.duration().toNanos() - clock.elapsedNanos();
        TimeUnit.NANOSECONDS.sleep(Math.max(0, remaining));
        sampler.cancel(false);
        run.stop();
        run.channels.close().awaitUninterruptibly(5, TimeUnit.SECONDS);
        return tally;
    }

    private List<Simulated> build(Scenario scenario, RunContext run, AtomicLong slowOpen, int addressOffset) {
        List<Simulated> out = new ArrayList<>();
        Map<Kind, Integer> nextAddress = new EnumMap<>(Kind.class);
        int[] nextLegitId = {0};
        long base = run.clock.startNanos();
        long seed = 0x5EEDL;
        for (Group g : scenario.groups()) {
            Persona p = g.kind();
            Kind kind = p.kind();
            long start = base + g.startOr().toNanos();
            long end = base + g.end(scenario.duration()).toNanos();
            int first = nextAddress.getOrDefault(kind, addressOffset);
            for (int i = 0; i < g.clientCount(); i++) {
                EventLoop loop = group.next();
                var source = SourceAddresses.of(kind, first + i % g.addressCount(), g.perPrefixOr());
                seed = seed * 6364136223846793005L + 1442695040888963407L;
                switch (p) {
                    case VISITOR: {
                        Group.Range t = g.thinkOr(VISITOR_THINK);
                        LabClient c = new LabClient(run, loop, source, kind, nextLegitId[0]++);
                        out.add(new Visitor(run, loop, c, start, end, t.min().toNanos(), t.max().toNanos(), seed));
                        break;
                    }
                    case STAFF:
                    case OFFICE: {
                        Group.Range t = g.thinkOr(STAFF_THINK);
                        int id = nextLegitId[0]++;
                        LabClient c = new LabClient(run, loop, source, kind, id);
                        out.add(new Staff(run, loop, c, kind.label() + id, start, end, t.min().toNanos(), t.max().toNanos(), seed));
                        break;
                    }
                    case FEED: {
                        LabClient c = new LabClient(run, loop, source, kind, nextLegitId[0]++);
                        out.add(Poller.feed(run, loop, c, start, end, g.intervalOr(Duration.ofSeconds(5)).toNanos(), seed));
                        break;
                    }
                    case API: {
                        int id = nextLegitId[0]++;
                        LabClient c = new LabClient(run, loop, source, kind, id);
                        out.add(Poller.api(run, loop, c, id, start, end, g.intervalOr(Duration.ofSeconds(1)).toNanos(), seed));
                        break;
                    }
                    case FLOODER: {
                        int conns = g.connectionsOr(1);
                        long period = (long) (conns * 1e9 / g.rateOr(10));
                        for (int k = 0; k < conns; k++) {
                            LabClient c = new LabClient(run, loop, source, kind, -1);
                            out.add(new FloodConnection(run, loop, c, g, start, end, period, seed + k));
                        }
                        break;
                    }
                    default: {
                        long interval = g.intervalOr(Duration.ofSeconds(p == Persona.SLOW_READ ? 1 : 5)).toNanos();
                        for (int k = 0; k < g.connectionsOr(1); k++) {
                            out.add(new SlowConnection(run, loop, p, source, start, end, interval, slowOpen, seed + k));
                        }
                        break;
                    }
                }
            }
            nextAddress.put(kind, first + (kind == Kind.OFFICE ? 0 : g.addressCount()));
        }
        return out;
    }

    @Override
    public void close() {
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }
}

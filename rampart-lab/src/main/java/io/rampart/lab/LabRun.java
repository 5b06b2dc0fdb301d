package io.rampart.lab;

import io.rampart.lab.load.LoadGenerator;
import io.rampart.lab.load.Tally;
import io.rampart.lab.origin.LabOrigin;
import io.rampart.lab.origin.OriginCapacity;
import io.rampart.lab.scenario.Scenario;
import io.rampart.lab.score.Report;
import io.rampart.lab.score.ScenarioResult;
import io.rampart.lab.score.Scorer;
import io.rampart.lab.score.TargetScore;
import io.rampart.lab.target.Policy;
import io.rampart.lab.target.ResourceSampler;
import io.rampart.lab.target.Target;
import io.rampart.lab.target.Targets;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import java.util.stream.Stream;

/**
 * Runs one scenario against each target in turn, each time with a fresh origin, a fresh gateway
 * and the same generator, and scores them side by side. Everything it starts it stops, also on
 * failure (and on Ctrl-C, through {@link io.rampart.lab.target.ManagedProcess}'s shutdown hook).
 */
public final class LabRun {
    /** How a run is set up; {@link #defaults} gives the documented defaults. */
    public record Options(List<String> targets, InetAddress host, Policy policy, OriginCapacity capacity,
                          int generatorThreads, Duration clientTimeout, Supplier<List<String>> rampartCommand,
                          String version, Duration warmUp) {
        public static Options defaults(Supplier<List<String>> rampartCommand, String version) {
            return new Options(Targets.NAMES, LoopbackOnly.parse("127.0.0.1"), Policy.DEFAULT, OriginCapacity.DEFAULT,
                    1, Duration.ofSeconds(10), rampartCommand, version, Duration.ofSeconds(5));
        }

        public Options withTargets(List<String> t) {
            return new Options(t, host, policy, capacity, generatorThreads, clientTimeout, rampartCommand, version, warmUp);
        }

        public Options withHost(InetAddress h) {
            return new Options(targets, LoopbackOnly.require(h), policy, capacity, generatorThreads, clientTimeout, rampartCommand, version, warmUp);
        }

        /** A warm-up of {@code d} before each target (zero: none; the default is five seconds). */
        public Options withWarmUp(Duration d) {
            return new Options(targets, host, policy, capacity, generatorThreads, clientTimeout, rampartCommand, version, d);
        }
    }

    private final Options options;
    private final PrintWriter progress;
    private Path gatewayLogs;

    public LabRun(Options options, PrintWriter progress) {
        this.options = options;
        this.progress = progress;
        for (String t : options.targets()) {
            if (!Targets.NAMES.contains(t) && !Targets.ON_REQUEST.contains(t)) {
                throw new IllegalArgumentException("unknown target '" + t + "'; expected some of " + String.join(",", Targets.NAMES)
                        + " (or " + String.join(",", Targets.ON_REQUEST) + ")");
            }
        }
    }

    /** Copies each gateway's own output (for Rampart: its detection log) to {@code dir/SCENARIO.TARGET.log}. */
    public LabRun keepGatewayLogs(Path dir) {
        this.gatewayLogs = dir;
        return this;
    }

    public ScenarioResult run(Scenario scenario) throws IOException, InterruptedException {
        // world-readable: nginx workers run as an unprivileged user when the lab runs as root
        Path work = Files.createTempDirectory("rampart-lab-",
                java.nio.file.attribute.PosixFilePermissions.asFileAttribute(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x")));
        List<TargetScore> scores = new ArrayList<>();
        try (LoadGenerator generator = new LoadGenerator(options.generatorThreads(), options.clientTimeout())) {
            for (String name : options.targets()) {
                progress.printf("%s: %s for %.0f s...%n", scenario.name(), name, scenario.duration().toMillis() / 1000.0);
                progress.flush();
                Path dir = Files.createDirectories(work.resolve(name));
                scores.add(runOne(scenario, name, generator, dir));
                if (gatewayLogs != null) {
                    keepLog(dir, gatewayLogs.resolve(scenario.name() + "." + name + ".log"));
                }
            }
        } finally {
            deleteTree(work);
        }
        return result(scenario, scores);
    }

    private static void keepLog(Path targetDir, Path to) throws IOException {
        try (java.util.stream.Stream<Path> walk = Files.walk(targetDir)) {
            Path log = walk.filter(p -> p.getFileName().toString().equals("output.log")).findFirst().orElse(null);
            if (log != null) {
                Files.createDirectories(to.getParent());
                Files.copy(log, to, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
        }
    }

    private TargetScore runOne(Scenario scenario, String name, LoadGenerator generator, Path dir) throws IOException, InterruptedException {
        RunClock clock = RunClock.system();
        try (LabOrigin origin = new LabOrigin(new InetSocketAddress(options.host(), 0), options.capacity(), clock, scenario.seconds() + 1);
             Target target = Targets.of(name, options.policy(), options.rampartCommand())) {
            InetSocketAddress address = target.start(dir, origin.address(), new InetSocketAddress(options.host(), Targets.freePort()));
            List<InetSocketAddress> all = new ArrayList<>(List.of(LoopbackOnly.require(address)));
            for (InetSocketAddress more : target.moreAddresses()) {
                all.add(LoopbackOnly.require(more));
            }
            if (!options.warmUp().isZero() && !scenario.cold()) {
                generator.warmUp(all, "campaign.test", options.warmUp()); // every node of a cluster alike
            }
            ResourceSampler sampler = target.process() == null ? null : new ResourceSampler(target.process());
            if (sampler != null) {
                sampler.start();
            }
            Tally tally;
            try {
                tally = generator.run(scenario, all, "campaign.test", clock);
            } finally {
                if (sampler != null) {
                    sampler.stop();
                    sampler.close();
                }
            }
            return Scorer.score(name, scenario, tally, origin.stats(),
                    sampler == null ? null : sampler.cpuSeconds(), sampler == null ? null : sampler.peakRssMb());
        }
    }

    private ScenarioResult result(Scenario s, List<TargetScore> scores) {
        List<String> warnings = new ArrayList<>();
        scores.stream().filter(t -> t.target().equals("none")).findFirst().ifPresent(none -> {
            if (s.hasAttack() && none.pass()) {
                warnings.add("the attack did not hurt the unprotected origin (none passed): this scenario proves nothing at this scale");
            }
        });
        int[] w = s.window();
        Map<String, Object> origin = new LinkedHashMap<>();
        OriginCapacity c = options.capacity();
        origin.put("workers", c.workers());
        origin.put("pagesPerSecond", Math.round(c.capacityPerSecond(c.pageCost())));
        origin.put("searchesPerSecond", Math.round(c.capacityPerSecond(c.searchCost())));
        origin.put("loginsPerSecond", Math.round(c.capacityPerSecond(c.loginCost())));
        origin.put("maxConnections", c.maxConnections());
        Map<String, Object> policy = new LinkedHashMap<>();
        Policy p = options.policy();
        policy.put("perClientRate", p.rate());
        policy.put("perClientBurst", p.burst());
        policy.put("loginRate", p.loginRate());
        policy.put("loginBurst", p.loginBurst());
        policy.put("connectionsPerClient", p.connections());
        Map<String, Object> criteria = new LinkedHashMap<>();
        var k = s.success();
        putIf(criteria, "legitOkMin", k.legitOkMin());
        putIf(criteria, "legitP99MaxMillis", k.legitP99MaxMillis());
        putIf(criteria, "legitP99MaxRatio", k.legitP99MaxRatio());
        putIf(criteria, "attackToOriginMaxShare", k.attackToOriginMaxShare());
        putIf(criteria, "originOverCapacityMaxSeconds", k.originOverCapacityMaxSeconds());
        putIf(criteria, "timeToMitigateMaxSeconds", k.timeToMitigateMaxSeconds());
        putIf(criteria, "legitClientsRefusedMax", k.legitClientsRefusedMax());
        putIf(criteria, "knownOkMin", k.knownOkMin());
        putIf(criteria, "knownP99MaxRatio", k.knownP99MaxRatio());
        return new ScenarioResult(s.name(), s.summary() == null ? "" : s.summary(), s.duration().toMillis() / 1000.0, w[0], w[1],
                ZonedDateTime.now(ZoneOffset.UTC).format(DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")),
                options.version(), Machine.describe(), origin, policy, criteria, scores, warnings);
    }

    /** Writes {@code <scenario>.json} and {@code <scenario>.md} into {@code dir}; returns the two paths. */
    public static List<Path> write(ScenarioResult r, Path dir) throws IOException {
        Files.createDirectories(dir);
        Path json = dir.resolve(r.scenario() + ".json");
        Path md = dir.resolve(r.scenario() + ".md");
        Files.writeString(json, Report.json(r));
        Files.writeString(md, Report.markdown(r));
        return List.of(json, md);
    }

    private static void putIf(Map<String, Object> m, String k, Object v) {
        if (v != null) {
            m.put(k, v);
        }
    }

    private static void deleteTree(Path root) {
        try (Stream<Path> walk = Files.walk(root)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temp dir left behind is not worth failing a run for
        }
    }
}

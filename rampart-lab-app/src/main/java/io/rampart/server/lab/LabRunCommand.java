package io.rampart.server.lab;

import io.rampart.lab.LabRun;
import io.rampart.lab.LoopbackOnly;
import io.rampart.lab.scenario.LabDurations;
import io.rampart.lab.scenario.Scenario;
import io.rampart.lab.scenario.ScenarioException;
import io.rampart.lab.scenario.ScenarioLoader;
import io.rampart.lab.score.Report;
import io.rampart.lab.score.ScenarioResult;
import io.rampart.lab.target.Targets;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", description = {
        "Runs scenarios against each target in turn and prints a table per scenario (one column per target).",
        "Every process it starts listens on loopback and is stopped at the end, also on Ctrl-C."})
final class LabRunCommand implements Callable<Integer> {
    @Parameters(arity = "1..*", paramLabel = "SCENARIO", description = "built-in scenario names (see `lab list`), 'all', or .yml files")
    List<String> scenarios;

    @Option(names = "--targets", split = ",", paramLabel = "T,T", defaultValue = "none,nginx,haproxy,rampart",
            description = "targets to compare, in order (default ${DEFAULT-VALUE})")
    List<String> targets;

    @Option(names = "--duration", paramLabel = "DURATION", description = "stretch or shrink each scenario to this length, phases in proportion (e.g. 20s)")
    String duration;

    @Option(names = "--out", paramLabel = "DIR", description = "write SCENARIO.json, SCENARIO.md and each gateway's log (SCENARIO.TARGET.log) here")
    Path out;

    @Option(names = "--host", paramLabel = "ADDRESS", defaultValue = "127.0.0.1",
            description = "where the origin and the gateways listen; must be in 127.0.0.0/8 (default ${DEFAULT-VALUE})")
    String host;

    @Option(names = "--warm-up", paramLabel = "DURATION", defaultValue = "5s",
            description = "unscored warm-up before each target, e.g. 60s for JIT-compiled gateways at steady state; 0s for none (default ${DEFAULT-VALUE})")
    String warmUp;

    @Option(names = "--no-warm-up", hidden = true, description = "the same as --warm-up 0s (tests)")
    boolean noWarmUp;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        PrintWriter out = spec.commandLine().getOut();
        List<Scenario> plan = new ArrayList<>();
        LabRun.Options options;
        try {
            Duration length = duration == null ? null : LabDurations.parse(duration);
            if (length != null && length.toMillis() < 2000) {
                throw new IllegalArgumentException("--duration: at least 2s");
            }
            for (String t : targets) {
                if (!Targets.NAMES.contains(t) && !Targets.ON_REQUEST.contains(t)) {
                    throw new IllegalArgumentException("--targets: unknown target '" + t + "'; expected some of " + String.join(",", Targets.NAMES)
                            + " (or " + String.join(",", Targets.ON_REQUEST) + ": three Rampart nodes through a redis-server)");
                }
            }
            for (String name : scenarios) {
                List<String> names = name.equals("all") ? ScenarioLoader.builtInNames() : List.of(name);
                for (String n : names) {
                    Scenario s = ScenarioLoader.load(n);
                    plan.add(length == null ? s : s.withDuration(length));
                }
            }
            options = LabRun.Options.defaults(RampartProcess::command, RampartProcess.version())
                    .withTargets(List.copyOf(targets))
                    .withHost(LoopbackOnly.parse(host));
            Duration warm = noWarmUp || warmUp.equals("0") ? Duration.ZERO : LabDurations.parse(warmUp);
            if (warm.toMinutes() > 10) {
                throw new IllegalArgumentException("--warm-up: at most 10m");
            }
            options = options.withWarmUp(warm);
        } catch (IllegalArgumentException | ScenarioException e) {
            err.println("lab run: " + e.getMessage());
            return 2;
        }
        LabRun lab = new LabRun(options, err);
        if (this.out != null) {
            lab.keepGatewayLogs(this.out);
        }
        for (Scenario s : plan) {
            ScenarioResult result = lab.run(s);
            out.println();
            out.print(Report.table(result));
            if (this.out != null) {
                for (Path p : LabRun.write(result, this.out)) {
                    out.println("wrote " + p);
                }
            }
            out.flush();
        }
        return 0;
    }
}

package io.rampart.server;

import io.rampart.config.ConfigException;
import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import io.rampart.detect.BaselineSeeder;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.ZoneId;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

@Command(name = "seed-baseline",
        description = {"Learns normal traffic from an access log (Rampart's JSON log, or nginx/Apache 'combined'),",
                "so that detection does not start cold. Writes detection-state.json in detection.stateDir.",
                "Run it while no gateway uses that directory. Exit 0 when something was learned, 2 on bad input."})
final class SeedBaselineCommand implements Callable<Integer> {
    @Option(names = "--config", required = true, paramLabel = "FILE", description = "the configuration (its sites and detection.stateDir)")
    Path config;

    @Option(names = "--log", required = true, paramLabel = "FILE", description = "the access log to learn from")
    Path log;

    @Option(names = "--site", paramLabel = "NAME", description = "the site of lines that name none (the combined format)")
    String site;

    @Option(names = "--zone", paramLabel = "ZONE", description = "time zone for the hour-of-day profile (default: this machine's)")
    String zone;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        RampartConfig c;
        try {
            c = new ConfigLoader().load(config);
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 2;
        }
        if (!Files.isRegularFile(log)) {
            err.println("seed-baseline: " + log + ": file not found");
            return 2;
        }
        ZoneId z;
        try {
            z = zone == null ? ZoneId.systemDefault() : ZoneId.of(zone);
        } catch (RuntimeException e) {
            err.println("seed-baseline: --zone: not a time zone: '" + zone + "' (e.g. Europe/Berlin, UTC)");
            return 2;
        }
        BaselineSeeder.Report r;
        try {
            r = BaselineSeeder.seed(c, log, site, z);
        } catch (IllegalArgumentException e) {
            err.println("seed-baseline: " + e.getMessage());
            return 2;
        } catch (NoSuchFileException e) {
            err.println("seed-baseline: " + e.getFile() + ": file not found");
            return 2;
        } catch (IOException e) {
            err.println("seed-baseline: " + e.getMessage());
            return 1;
        }
        out.printf("%s: %d lines, %d requests learned, %d refused requests left out, %d lines unreadable%n",
                log, r.lines(), r.learned(), r.refusedNotLearned(), r.unreadable());
        if (r.firstProblem() != null) {
            out.println("  first unreadable: " + r.firstProblem());
        }
        for (Map.Entry<String, Long> e : r.ticksBySite().entrySet()) {
            out.printf("  site %s: %d ticks learned%n", e.getKey(), e.getValue());
        }
        out.println("  saved to " + r.stateFile());
        if (r.learned() == 0) {
            err.println("seed-baseline: nothing learned from " + log);
            return 2;
        }
        return 0;
    }
}

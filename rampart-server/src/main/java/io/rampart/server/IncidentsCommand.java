package io.rampart.server;

import io.rampart.config.ConfigException;
import io.rampart.incident.IncidentRecord;
import io.rampart.incident.SqliteIncidentStore;
import java.io.PrintWriter;
import java.time.Instant;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "incidents", description = "Lists recorded incidents, newest first (the gateway may be running).")
final class IncidentsCommand implements Callable<Integer> {
    @Mixin
    IncidentStoreOption store;

    @Option(names = "--limit", paramLabel = "N", defaultValue = "50", description = "at most N incidents (default ${DEFAULT-VALUE})")
    int limit;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        if (limit < 1) {
            err.println("--limit: expected 1 or more, got " + limit);
            return 2;
        }
        List<IncidentRecord> all;
        try (SqliteIncidentStore s = store.open()) {
            all = s.list(limit);
        } catch (ConfigException | IllegalArgumentException e) {
            err.println(e.getMessage());
            return 2;
        }
        if (all.isEmpty()) {
            out.println("no incidents recorded");
            return 0;
        }
        out.println(String.format(Locale.ROOT, "%-32s %-16s %-7s %-20s %9s %12s %8s  %s", "ID", "SITE", "STATUS", "OPENED (UTC)",
                "DURATION", "REQUESTS", "REFUSED", "VECTORS"));
        Instant now = Instant.now();
        for (IncidentRecord r : all) {
            out.println(String.format(Locale.ROOT, "%-32s %-16s %-7s %-20s %8ds %,12d %7.1f%%  %s", r.id(), r.site(), r.status(),
                    r.openedAt().toString().replace('T', ' ').replaceAll("\\.\\d+Z$|Z$", ""), r.duration(now).getSeconds(),
                    r.profile().requests(), r.mitigation().shareKeptOffOrigin() * 100, String.join("; ", r.vectors())));
        }
        return 0;
    }
}

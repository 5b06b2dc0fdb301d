package io.rampart.server;

import io.rampart.config.ConfigException;
import io.rampart.incident.IncidentRecord;
import io.rampart.incident.Reports;
import io.rampart.incident.SqliteIncidentStore;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "report", description = "Writes an incident's report: Markdown, printable HTML, JSON (with a STIX 2.1 bundle) or the STIX bundle alone.")
final class ReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "the incident (see: rampart incidents)")
    String id;

    @Option(names = "--format", paramLabel = "FORMAT", defaultValue = "md", description = "md, html, json or stix (default ${DEFAULT-VALUE})")
    String format;

    @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "write to FILE instead of standard output")
    Path output;

    @Mixin
    IncidentStoreOption store;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        if (!Reports.FORMATS.contains(format)) {
            spec.commandLine().getErr().println("--format: expected one of " + String.join(", ", Reports.FORMATS) + ", got '" + format + "'");
            return 2;
        }
        Optional<IncidentRecord> r;
        try (SqliteIncidentStore s = store.open()) {
            r = s.find(id);
        } catch (ConfigException | IllegalArgumentException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        io.rampart.config.ClusterConfig cluster = store.cluster();
        if (cluster != null && cluster.enabled()) { // the whole cluster's incident: this node's part and every other node's
            try {
                java.util.List<IncidentRecord> all = new java.util.ArrayList<>();
                r.ifPresent(all::add);
                for (IncidentRecord o : io.rampart.redis.ClusterRecords.of(cluster, id)) {
                    if (r.isEmpty() || !o.node().equals(r.get().node())) {
                        all.add(o);
                    }
                }
                r = all.isEmpty() ? Optional.empty() : Optional.of(io.rampart.incident.IncidentMerge.merge(all));
            } catch (IllegalStateException | IllegalArgumentException e) {
                spec.commandLine().getErr().println(e.getMessage() + "; the report has this node's part only");
            }
        }
        if (r.isEmpty()) {
            spec.commandLine().getErr().println("no incident '" + id + "' (see: rampart incidents)");
            return 1;
        }
        String text = Reports.render(r.get(), format, Instant.now(), store.reporter());
        if (output == null) {
            spec.commandLine().getOut().print(text);
            spec.commandLine().getOut().flush();
            return 0;
        }
        try {
            Files.writeString(output, text, StandardCharsets.UTF_8);
        } catch (IOException e) {
            spec.commandLine().getErr().println("cannot write " + output + ": " + e.getMessage());
            return 1;
        }
        spec.commandLine().getOut().println("wrote " + output);
        return 0;
    }
}

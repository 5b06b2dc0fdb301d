package io.rampart.server;

import io.rampart.config.AdminConfig;
import io.rampart.config.ConfigException;
import io.rampart.config.ConfigLoader;
import io.rampart.config.ListenerConfig;
import io.rampart.config.RampartConfig;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "run", description = "Runs the gateway in front of one origin (--upstream) or as a configuration file says (--config).")
final class RunCommand implements Callable<Integer> {
    static final class Source {
        @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration file") Path config;
        @Option(names = "--upstream", paramLabel = "URL", description = "one origin, e.g. http://127.0.0.1:8080, for every host") String upstream;
    }

    @ArgGroup(exclusive = true, multiplicity = "1")
    Source source;

    @Option(names = "--listen", paramLabel = "HOST:PORT", description = "front listener (default 127.0.0.1:8000, or the file's)")
    String listen;

    @Option(names = "--admin", paramLabel = "HOST:PORT", description = "admin listener: dashboard, admin API, /metrics, /healthz (default 127.0.0.1:9090, or the file's)")
    String admin;

    @Option(names = "--under-attack", description = "challenge every unknown client on every site (drills, emergencies); "
            + "feeds, APIs and verified bots are still let through")
    boolean underAttack;

    @Option(names = "--data-dir", paramLabel = "DIR", description = "where incidents, learned baselines, the admin token and "
            + "run-time list entries are kept (default: the file's dataDir, else ./rampart-data)")
    String dataDir;

    @Option(names = "--exit-after", paramLabel = "DURATION", hidden = true, description = "stop by itself after this long (tests, drills)")
    String exitAfter;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        PrintWriter err = spec.commandLine().getErr();
        RampartConfig config;
        String origin;
        try {
            if (source.config != null) {
                config = new ConfigLoader().load(source.config);
                origin = source.config.toString();
                config = ConfigLoader.validated(override(config), origin);
            } else {
                origin = "--upstream";
                config = ConfigLoader.validated(RampartConfig.forUpstream(source.upstream,
                        listen == null ? "127.0.0.1:8000" : listen, admin == null ? "127.0.0.1:9090" : admin), origin);
            }
        } catch (ConfigException e) {
            err.println(e.getMessage());
            return 2;
        }
        java.util.function.UnaryOperator<RampartConfig> fromCommandLine = c -> {
            RampartConfig out = override(c);
            if (dataDir != null || out.dataDir() == null) {
                out = out.withDataDir(dataDir != null ? dataDir : DEFAULT_DATA_DIR);
            }
            return underAttack ? out.withEverySiteUnderAttack() : out;
        };
        config = fromCommandLine.apply(config);
        Duration maxRun = exitAfter == null ? null : io.rampart.config.Durations.parse(exitAfter);
        try (GatewayRunner runner = GatewayRunner.start(config, source.config, fromCommandLine)) {
            PrintWriter out = spec.commandLine().getOut();
            out.println("Rampart is protecting " + config.sites().size() + (config.sites().size() == 1 ? " site" : " sites")
                    + " (" + origin + ")" + (underAttack ? ", under attack: every unknown client is challenged" : ""));
            runner.printUrls(out);
            runner.awaitShutdown(maxRun);
        }
        return 0;
    }

    /** Where state is kept when neither the file nor the command line says. */
    static final String DEFAULT_DATA_DIR = "rampart-data";

    private RampartConfig override(RampartConfig c) {
        if (listen == null && admin == null) {
            return c;
        }
        return c.withListeners(
                listen == null ? c.listeners() : List.of(new ListenerConfig(listen, false)),
                admin == null ? c.admin() : c.admin().withAddress(admin));
    }
}

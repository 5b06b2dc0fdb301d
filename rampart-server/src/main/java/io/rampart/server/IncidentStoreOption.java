package io.rampart.server;

import io.rampart.config.ConfigException;
import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import io.rampart.incident.SqliteIncidentStore;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --data-dir DIR} or {@code --config FILE} (its dataDir): where the incident store is. */
final class IncidentStoreOption {
    @Option(names = "--data-dir", paramLabel = "DIR", description = "the gateway's data directory (default ./rampart-data)")
    Path dataDir;

    @Option(names = "--config", paramLabel = "FILE", description = "read the data directory from this configuration (and, in cluster mode, the store that holds the other nodes' parts of an incident)")
    Path config;

    private io.rampart.config.ClusterConfig cluster;
    private io.rampart.incident.Reporter reporter = io.rampart.incident.Reporter.NONE;

    /** Who reports and the marking ({@code incidents.reporter} of a {@code --config}; without one, none and TLP:AMBER). */
    io.rampart.incident.Reporter reporter() {
        return reporter;
    }

    /** The configuration's cluster section, after {@link #open} read a {@code --config} (else null). */
    io.rampart.config.ClusterConfig cluster() {
        return cluster;
    }

    /**
     * @throws ConfigException          for a broken configuration file
     * @throws IllegalArgumentException when there is no store in the directory
     */
    SqliteIncidentStore open() throws ConfigException {
        Path dir = dataDir;
        if (dir == null && config != null) {
            RampartConfig c = new ConfigLoader().load(config);
            cluster = c.cluster();
            reporter = io.rampart.incident.Reporter.of(c.incidents().reporter());
            if (c.dataDir() == null) {
                throw new IllegalArgumentException(config + " sets no dataDir: pass --data-dir");
            }
            dir = Path.of(c.dataDir());
        }
        return SqliteIncidentStore.openExisting(dir == null ? Path.of(RunCommand.DEFAULT_DATA_DIR) : dir);
    }
}

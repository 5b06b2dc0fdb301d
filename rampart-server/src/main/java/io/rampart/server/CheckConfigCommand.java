package io.rampart.server;

import io.rampart.config.ConfigException;
import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "check-config", description = "Validates a configuration file: exit 0 and a summary, or exit 2 and every error with its path.")
final class CheckConfigCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "FILE", description = "the YAML configuration")
    Path file;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        try {
            RampartConfig c = new ConfigLoader().load(file);
            spec.commandLine().getOut().print(ConfigSummary.describe(file.toString(), c));
            return 0;
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
    }
}

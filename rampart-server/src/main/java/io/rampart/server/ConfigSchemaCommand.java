package io.rampart.server;

import io.rampart.config.ConfigSchema;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

/** {@code rampart config-schema}: prints the configuration's JSON Schema (the one in docs/). */
@Command(name = "config-schema", description = "Prints the JSON Schema of the configuration file, for editors (the same as docs/rampart-config.schema.json).")
final class ConfigSchemaCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        spec.commandLine().getOut().print(ConfigSchema.text());
        spec.commandLine().getOut().flush();
        return 0;
    }
}

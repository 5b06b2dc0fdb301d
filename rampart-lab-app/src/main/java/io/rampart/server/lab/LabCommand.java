package io.rampart.server.lab;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rampart lab}: the attack lab. */
@Command(name = "lab",
        description = "The attack lab: reproducible DDoS scenarios, scored side by side against nginx and HAProxy (loopback only).",
        subcommands = {LabListCommand.class, LabRunCommand.class, LabOriginCommand.class})
public final class LabCommand implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }
}

package io.rampart.server;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rampart}: the command line. Exit codes: 0 success, 1 runtime failure, 2 bad usage or configuration. */
@Command(name = "rampart",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description = "Rampart: a self-hosted DDoS protection gateway.",
        subcommands = {RunCommand.class, DemoCommand.class, CheckConfigCommand.class, IncidentsCommand.class, ReportCommand.class, SeedBaselineCommand.class, io.rampart.server.lab.LabCommand.class,
                CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        System.exit(execute(args));
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int execute(String... args) {
        return execute(null, null, args);
    }

    /** Runs the command line with its output captured (for tests); null writers mean the console. */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = new CommandLine(new Main());
        if (out != null) {
            cl.setOut(out);
        }
        if (err != null) {
            cl.setErr(err);
        }
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println("rampart: " + ex.getMessage());
            return 1;
        });
        try {
            return cl.execute(args);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            String v = Main.class.getPackage().getImplementationVersion();
            return new String[] {"rampart " + (v == null ? "dev" : v)};
        }
    }
}

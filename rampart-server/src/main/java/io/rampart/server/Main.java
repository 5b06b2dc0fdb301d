package io.rampart.server;

import io.rampart.config.Suggestions;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code rampart}: the command line. Exit codes: 0 success, 1 runtime failure, 2 bad usage or configuration. */
@Command(name = "rampart",
        mixinStandardHelpOptions = true,
        scope = CommandLine.ScopeType.INHERIT, // -h, --help and --version on every command
        versionProvider = Main.Version.class,
        description = "Rampart: a self-hosted DDoS protection gateway.",
        subcommands = {RunCommand.class, DemoCommand.class, CheckConfigCommand.class, ConfigSchemaCommand.class, IncidentsCommand.class,
                ReportCommand.class, SendReportCommand.class, SeedBaselineCommand.class, CommandLine.HelpCommand.class})
public final class Main implements Runnable {
    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    public static void main(String[] args) {
        quietLeakDetection(System.getProperties());
        String logSettings = logSettingsProblem(System.getenv());
        if (logSettings != null) {
            System.err.println("rampart: " + logSettings);
            System.exit(2);
        }
        System.exit(execute(args));
    }

    /** Netty's buffer leak detector, unless the operator named a level ({@code -Dio.netty.leakDetection.level=simple}). */
    static final String LEAK_DETECTION = "io.netty.leakDetection.level";

    /**
     * Turns Netty's buffer leak detector off unless a level was asked for. Its default level
     * samples one buffer in 128 and records a stack trace for it when made and again when
     * released: in a profile of the proxy path, 2 % of all allocation and the only exceptions
     * built per request. It finds bugs in the code, not in the traffic, so the tests run it at its
     * strictest ({@code paranoid}, in the build) and the gateway does not.
     */
    static void quietLeakDetection(java.util.Properties props) {
        if (props.getProperty(LEAK_DETECTION) == null) {
            props.setProperty(LEAK_DETECTION, "disabled");
        }
    }

    /**
     * What is wrong with {@code RAMPART_LOG_FORMAT} or {@code RAMPART_LOG_LEVEL} (read by
     * logback.xml), {@code RAMPART_TRANSPORT} or {@code RAMPART_NFT}, or null: a typo there would
     * otherwise silence every log line, or be taken silently for the default.
     */
    static String logSettingsProblem(java.util.Map<String, String> env) {
        String format = env.get("RAMPART_LOG_FORMAT");
        if (format != null && !java.util.List.of("text", "json", "journald").contains(format)) {
            return "RAMPART_LOG_FORMAT must be text, json or journald, got '" + format + "'";
        }
        String level = env.get("RAMPART_LOG_LEVEL");
        if (level != null && !java.util.List.of("TRACE", "DEBUG", "INFO", "WARN", "ERROR", "OFF").contains(level.toUpperCase(java.util.Locale.ROOT))) {
            return "RAMPART_LOG_LEVEL must be one of trace, debug, info, warn, error, off, got '" + level + "'";
        }
        String transport = env.get("RAMPART_TRANSPORT");
        if (transport != null && !java.util.List.of("", "epoll", "nio").contains(transport.trim().toLowerCase(java.util.Locale.ROOT))) {
            return "RAMPART_TRANSPORT must be epoll (the default where it loads) or nio, got '" + transport + "'";
        }
        String nft = env.get("RAMPART_NFT");
        if (nft != null && !nft.isEmpty() && !"program".equals(nft)) {
            return "RAMPART_NFT must be program (write through the nft program instead of libnftables) or unset, got '" + nft + "'";
        }
        return null;
    }

    /** Runs the command line and returns its exit code (for tests). */
    public static int execute(String... args) {
        return execute(null, null, args);
    }

    /** Runs the command line with its output captured (for tests); null writers mean the console. */
    public static int execute(java.io.PrintWriter out, java.io.PrintWriter err, String... args) {
        CommandLine cl = commandLine();
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
        cl.setParameterExceptionHandler(Main::badUsage);
        try {
            return cl.execute(args);
        } finally {
            cl.getOut().flush();
            cl.getErr().flush();
        }
    }

    /** The whole command line: the built-in commands and those other jars add ({@link CommandExtension}: the lab's). */
    public static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Main());
        for (CommandExtension e : java.util.ServiceLoader.load(CommandExtension.class)) {
            cl.addSubcommand(e.name(), e.command());
        }
        return cl;
    }

    /**
     * Bad usage: an unknown command gets a suggestion only when one is close ({@link Suggestions}),
     * never an unrelated one; anything else gets picocli's message and the command's usage. Exit 2.
     */
    private static int badUsage(CommandLine.ParameterException ex, String[] args) {
        CommandLine cmd = ex.getCommandLine();
        java.io.PrintWriter err = cmd.getErr();
        java.util.List<String> unmatched = ex instanceof CommandLine.UnmatchedArgumentException
                ? ((CommandLine.UnmatchedArgumentException) ex).getUnmatched() : java.util.List.of();
        if (!unmatched.isEmpty() && !unmatched.get(0).startsWith("-") && !cmd.getSubcommands().isEmpty()) {
            String typed = unmatched.get(0);
            String name = cmd.getCommandSpec().qualifiedName();
            String near = Suggestions.closest(typed, new java.util.ArrayList<>(cmd.getSubcommands().keySet()));
            if (cmd.getParent() == null && "lab".equals(typed)) {
                err.println("rampart: the attack lab is not part of the gateway's jar: bin/rampart lab … runs it from the lab's own "
                        + "(rampart-lab-app/target/rampart-lab.jar)");
                return 2;
            }
            err.println(name + ": unknown command '" + typed + "'" + (near == null ? "" : "; did you mean '" + near + "'?"));
            err.println("The commands: " + String.join(", ", cmd.getSubcommands().keySet()) + ". '" + name + " --help' says more.");
            return 2;
        }
        err.println(cmd.getCommandSpec().qualifiedName() + ": " + ex.getMessage());
        cmd.usage(err);
        return 2;
    }

    @Override
    public void run() {
        spec.commandLine().usage(spec.commandLine().getOut());
    }

    /** {@code --version}: the version and build time ({@link io.rampart.metrics.BuildInfo}), and the Java runtime. */
    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"rampart " + io.rampart.metrics.BuildInfo.version() + " (built " + io.rampart.metrics.BuildInfo.built() + ")",
                    "Java " + System.getProperty("java.version") + " (" + System.getProperty("java.vm.name") + ")"};
        }
    }
}

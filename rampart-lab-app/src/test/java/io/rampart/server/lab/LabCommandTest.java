package io.rampart.server.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rampart.lab.score.Report;
import io.rampart.lab.score.ScenarioResult;
import io.rampart.lab.score.TargetScore;
import io.rampart.server.Main;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** `rampart lab` and `rampart demo --attack` as a user runs them, with real nginx, HAProxy and Rampart processes. */
class LabCommandTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void theLabsCommands_haveHelpAndVersion_andAMisspeltOneGetsTheNearest() {
        for (String[] cmd : new String[][] {{"lab", "--help"}, {"lab", "run", "-h"}, {"lab", "list", "--help"}, {"lab", "origin", "--help"}}) {
            out.getBuffer().setLength(0);
            assertThat(run(cmd)).as(String.join(" ", cmd)).isZero();
            assertThat(out.toString()).startsWith("Usage: rampart lab");
        }
        out.getBuffer().setLength(0);
        assertThat(run("lab", "--version")).isZero();
        assertThat(out.toString()).startsWith("rampart ");
        assertThat(run("lab", "rn")).isEqualTo(2);
        assertThat(err.toString()).contains("rampart lab: unknown command 'rn'; did you mean 'run'?");
    }

    @Test
    void listShowsTheNineScenariosOneLineEach() {
        assertThat(run("lab", "list")).isZero();
        String[] lines = out.toString().split("\n");
        assertThat(lines[0]).startsWith("baseline").contains("40s").contains("no attack");
        assertThat(out.toString()).contains("single-source-flood", "distributed-flood", "cache-busting-flood", "login-flood",
                "slow-attacks", "flash-crowd", "office-nat", "pulse-wave").doesNotContain("demo-drill");
    }

    @Test
    void badArgumentsGetAPreciseMessageAndExitCode2() {
        assertRefused("no scenario named 'nope'", "lab", "run", "nope");
        assertRefused("unknown target 'squid'", "lab", "run", "baseline", "--targets", "none,squid");
        assertRefused("--duration: at least 2s", "lab", "run", "baseline", "--duration", "1s");
        assertRefused("not a duration", "lab", "run", "baseline", "--duration", "soon");
        assertRefused("10.0.0.1 is outside 127.0.0.0/8", "lab", "run", "baseline", "--host", "10.0.0.1");
        assertRefused("'localhost' is not an IPv4 address", "lab", "run", "baseline", "--host", "localhost");
        assertRefused("cannot read", "lab", "run", "/no/such/scenario.yml");
        assertRefused("not a duration", "lab", "run", "baseline", "--warm-up", "a while");
        assertRefused("--warm-up: at most 10m", "lab", "run", "baseline", "--warm-up", "11m");
        assertRefused("outside 127.0.0.0/8", "lab", "origin", "--listen", "192.0.2.1:8080");
        assertRefused("port must be a number", "lab", "origin", "--listen", "127.0.0.1:http");
        assertRefused("expected host:port", "lab", "origin", "--listen", "127.0.0.1");
    }

    @Test
    void runScoresEveryTargetWritesConsistentResultsAndLeavesNoProcessBehind(@TempDir Path dir) throws Exception {
        Path scenario = dir.resolve("quick-flood.yml");
        Files.writeString(scenario, """
                name: quick-flood
                summary: one address floods the search page
                duration: 5s
                legit:
                  - {persona: api, clients: 3, interval: 200ms}
                  - {persona: visitor, clients: 3, think: 200ms..500ms}
                attacks:
                  - {persona: flooder, clients: 1, connections: 4, rate: 400, path: '/search?q={rand}', start: 1s, duration: 3s}
                success: {attackToOriginMaxShare: 0.5}
                """);
        Path results = dir.resolve("results");
        int code = run("lab", "run", scenario.toString(), "--targets", "none,nginx,haproxy,rampart", "--out", results.toString(), "--no-warm-up");
        assertThat(code).as(err.toString()).isZero();

        ScenarioResult r = Report.parseJson(Files.readString(results.resolve("quick-flood.json")));
        assertThat(Files.readString(results.resolve("quick-flood.md"))).isEqualTo(Report.markdown(r));
        Map<String, TargetScore> by = r.targets().stream().collect(Collectors.toMap(TargetScore::target, Function.identity()));
        assertThat(by.keySet()).containsExactlyInAnyOrder("none", "nginx", "haproxy", "rampart");
        // unprotected, every flood request reaches the origin; each gateway's per-client limit keeps most of it off
        assertThat(by.get("none").attackToOriginShare()).isGreaterThan(0.95);
        assertThat(by.get("none").pass()).isFalse();
        assertThat(by.get("none").gatewayCpuSeconds()).isNull();
        for (String gw : new String[] {"nginx", "haproxy", "rampart"}) {
            TargetScore t = by.get(gw);
            assertThat(t.attackSent()).as(gw).isGreaterThan(200);
            assertThat(t.attackToOriginShare()).as(gw).isLessThan(0.5);
            assertThat(t.legitRequests()).as(gw).isPositive();
            assertThat(t.gatewayCpuSeconds()).as(gw).isPositive();
            assertThat(t.gatewayPeakRssMb()).as(gw).isPositive();
        }
        assertThat(out.toString()).contains("quick-flood: one address floods the search page").contains("wrote " + results.resolve("quick-flood.json"));
        assertThat(ProcessHandle.current().descendants().filter(ProcessHandle::isAlive).map(p -> p.info().command().orElse("?")).toList())
                .as("processes left behind").isEmpty();
    }

    @Test
    void theOriginCommandServesTheLabSiteAndStatesItsCapacity() throws Exception {
        java.util.concurrent.CompletableFuture<Integer> exit = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> run("lab", "origin", "--listen", "127.0.0.1:0", "--exit-after", "3"));
        await().atMost(Duration.ofSeconds(3)).until(() -> out.toString().contains("lab origin on"));
        assertThat(out.toString()).contains("16 workers: about 1600 pages/s, 533 searches/s, 400 log-ins/s");
        assertThat(exit.get()).isZero();
    }

    @Test
    void demoAttackRunsADrillThatRampartRepels() {
        int code = run("demo", "--attack", "--listen", "127.0.0.1:0", "--origin", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--exit-after", "9s");
        assertThat(code).as(err.toString()).isZero();
        await().atMost(Duration.ofSeconds(2)).until(() -> out.toString().contains("drill over"));
        Matcher m = Pattern.compile("drill over: readers and app (\\d+)/(\\d+) answered well; flood (\\d+) sent, (\\d+) refused by Rampart, (\\d+) reached")
                .matcher(out.toString());
        assertThat(m.find()).as(out.toString()).isTrue();
        long legitOk = Long.parseLong(m.group(1));
        long legit = Long.parseLong(m.group(2));
        long refused = Long.parseLong(m.group(4));
        assertThat(legit).isPositive();
        assertThat(legitOk).isGreaterThan(legit / 2);
        assertThat(refused).isPositive();
    }

    private void assertRefused(String message, String... args) {
        StringWriter before = new StringWriter();
        before.append(err.toString());
        assertThat(run(args)).as(String.join(" ", args)).isEqualTo(2);
        assertThat(err.toString().substring(before.toString().length())).contains(message);
    }

    @Test
    void interruptingARunStopsTheGatewaysItStarted() throws Exception {
        String javaBin = ProcessHandle.current().info().command().orElse("java");
        Process lab = new ProcessBuilder(javaBin, "-cp", System.getProperty("java.class.path"), Main.class.getName(),
                "lab", "run", "baseline", "--targets", "nginx", "--duration", "30s", "--no-warm-up")
                .redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        try {
            ProcessHandle nginx = await().atMost(Duration.ofSeconds(20)).until(
                    () -> lab.descendants().filter(p -> p.info().command().orElse("").endsWith("nginx")).findFirst().orElse(null),
                    java.util.Objects::nonNull);
            java.util.List<ProcessHandle> family = new java.util.ArrayList<>(nginx.descendants().toList());
            family.add(nginx);
            lab.destroy(); // SIGTERM, as Ctrl-C would: the shutdown hook stops what the lab started
            assertThat(lab.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
            await().atMost(Duration.ofSeconds(5)).until(() -> family.stream().noneMatch(ProcessHandle::isAlive));
        } finally {
            lab.destroyForcibly();
        }
    }
}

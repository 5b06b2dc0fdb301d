package io.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import io.rampart.testing.TestOrigin;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What operators point their monitoring at, checked with Prometheus's own tool: the alerting rules
 * in {@code deploy/} load and fire as their unit tests say, a running gateway's {@code /metrics}
 * passes {@code promtool check metrics}, and every series the rules and the Grafana dashboard query
 * exists from the gateway's start (so no alert or panel is silently empty).
 */
class MonitoringTest {
    private static final Path DEPLOY = Path.of("..", "deploy");
    private static final Pattern SERIES = Pattern.compile("\\b((?:rampart|jvm|process)_[a-z0-9_]+)");

    @BeforeAll
    static void promtool() {
        assumeTrue(new java.io.File("/usr/bin/promtool").canExecute(),
                "promtool is missing: apt-get install -y prometheus (bin/test installs it)");
    }

    private static ProcessResult promtool(Path dir, String stdin, String... args) throws Exception {
        java.util.List<String> cmd = new java.util.ArrayList<>(java.util.List.of("/usr/bin/promtool"));
        cmd.addAll(java.util.List.of(args));
        Process p = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(true).start();
        if (stdin != null) {
            p.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
        }
        p.getOutputStream().close();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        return new ProcessResult(p.exitValue(), out);
    }

    private record ProcessResult(int code, String output) {
    }

    @Test
    void theAlertingRules_loadAndPassTheirUnitTests() throws Exception {
        ProcessResult check = promtool(DEPLOY, null, "check", "rules", "prometheus-rules.yml");
        assertThat(check.code()).as(check.output()).isZero();
        ProcessResult test = promtool(DEPLOY, null, "test", "rules", "prometheus-rules.test.yml");
        assertThat(test.code()).as(test.output()).isZero();
    }

    @Test
    void aRunningGatewaysMetrics_passPromtool_andHoldEverySeriesTheRulesAndDashboardQuery(@TempDir Path data) throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            Path[] cert = new io.rampart.testing.TestCertificates(Files.createDirectories(data.resolve("certs"))).leaf("campaign", true, "campaign.example");
            RampartConfig config = new ConfigLoader().parse("listeners: [{address: '127.0.0.1:0'}, {address: '127.0.0.1:0', tls: "
                    + "{certificates: [{cert: '" + cert[0] + "', key: '" + cert[1] + "'}]}}]\nadmin: {address: '127.0.0.1:0'}\n"
                    + "dataDir: " + data + "\naccessLog: {path: 'off'}\nsites: [{name: campaign, hosts: ['*'], upstreams: ['"
                    + origin.url() + "']}]\n", "test.yml");
            try (GatewayRunner runner = GatewayRunner.start(config)) {
                String metrics = HttpClient.newHttpClient().send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                        + runner.adminAddress().getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString()).body();
                ProcessResult lint = promtool(data, metrics, "check", "metrics");
                assertThat(lint.code()).as(lint.output()).isZero();
                assertThat(metrics).contains("rampart_build_info{").contains("jvm_memory_used_bytes").contains("process_uptime_seconds")
                        .contains("rampart_challenges_total{outcome=\"refused.forged\"} 0.0")
                        .contains("rampart_detection_status{site=\"campaign\",state=\"attack\"} 0.0")
                        .containsPattern("rampart_tls_certificate_expiry_seconds\\{listener=\"listeners\\[1\\]\"} [1-9][0-9]{4,}");
                Set<String> exposed = new TreeSet<>();
                for (String line : metrics.split("\n")) {
                    if (!line.startsWith("#") && !line.isBlank()) {
                        exposed.add(line.replaceAll("[{ ].*", ""));
                    }
                }
                Set<String> queried = new TreeSet<>();
                queried.addAll(seriesIn(Files.readString(DEPLOY.resolve("prometheus-rules.yml"))));
                queried.addAll(seriesIn(Files.readString(DEPLOY.resolve("grafana-dashboard.json"))));
                assertThat(queried).as("series the rules and the dashboard query").hasSizeGreaterThan(20);
                assertThat(exposed).as("a fresh gateway's /metrics").containsAll(queried);
            }
        }
    }

    private static Set<String> seriesIn(String text) throws IOException {
        Set<String> out = new TreeSet<>();
        for (String expr : exprs(text)) {
            Matcher m = SERIES.matcher(expr);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** PromQL expressions: the dashboard's {@code "expr"} values, the rules' {@code expr:} blocks. */
    private static java.util.List<String> exprs(String text) {
        java.util.List<String> out = new java.util.ArrayList<>();
        Matcher json = Pattern.compile("\"expr\"\\s*:\\s*\"((?:[^\"\\\\]|\\\\.)*)\"").matcher(text);
        while (json.find()) {
            out.add(json.group(1));
        }
        Matcher yaml = Pattern.compile("(?m)^\\s+expr:\\s*\\|?\\s*\\n?((?:.*\\n)*?)\\s+(?:for|labels):").matcher(text);
        while (yaml.find()) {
            out.add(yaml.group(1));
        }
        return out;
    }
}

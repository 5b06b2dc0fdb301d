package io.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import io.rampart.incident.IncidentRecord;
import io.rampart.incident.Incidents;
import io.rampart.testing.AlertReceivers;
import io.rampart.testing.GeoDatabases;
import io.rampart.testing.LoopbackTraffic;
import io.rampart.testing.TestOrigin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * An attack drill as a new user lives it: readers browse, 300 bots flood the search page from
 * their own loopback addresses, the detector opens an incident, the webhook and the email arrive,
 * the dashboard in headless Chromium shows the flood in its charts, the rule and the top sources
 * in its tables and the open incident; the flood stops, the incident closes by itself (second
 * webhook, email), and its report holds the vectors, sources and the egress statement.
 */
class AttackDrillDashboardTest {
    @TempDir
    Path dir;

    @Test
    void drill_opensAnIncident_alerts_showsOnTheDashboard_andClosesWithAReport() throws Exception {
        try (TestOrigin origin = new TestOrigin(); AlertReceivers receivers = new AlertReceivers()) {
            String hook = receivers.webhook(0);
            String smtp = receivers.smtp(dir);
            Path file = dir.resolve("rampart.yml");
            Files.writeString(file, "listeners: [{address: '127.0.0.1:0'}]\nadmin: {address: '127.0.0.1:0'}\n"
                    + "dataDir: " + dir.resolve("data") + "\naccessLog: {path: " + dir.resolve("access.log") + "}\n"
                    + "detection: {tick: 250ms, learnFor: 2s, recoverFor: 2s, stepDownAfter: 2s, ruleTtl: 4s, widenAfter: 60s}\n" // the readers here do not solve challenges: the drill is about the rule, the dashboard and the report, not widening (a busy machine kept the origin strained past the 5 s default)
                    + "incidents: {closeAfter: 2s, geoDatabases: ['" + String.join("', '", GeoDatabases.all(dir)) + "']}\n"
                    + "alerts:\n  webhooks: [{url: '" + hook + "'}]\n  firstRetry: 100ms\n"
                    + "  email: {server: '" + smtp + "', from: rampart@campaign.example, to: [duty@campaign.example]}\n"
                    + "sites:\n  - {name: campaign, hosts: ['*'], upstreams: ['" + origin.url() + "']}\n");
            RampartConfig config = ConfigLoader.validated(new ConfigLoader().load(file), file.toString());
            try (GatewayRunner runner = GatewayRunner.start(config, file, UnaryOperator.identity());
                 LoopbackTraffic traffic = new LoopbackTraffic(runner.gateway().listenAddresses().get(0).getPort())) {
                Incidents incidents = runner.gateway().incidents();
                for (int r = 0; r < 12; r++) {
                    traffic.reader(r);
                }
                await().atMost(Duration.ofSeconds(20)).until(() -> runner.gateway().detection().view().get(0).baselineTicks() >= 16);

                traffic.botnet(6);
                await().atMost(Duration.ofSeconds(20)).until(() -> incidents.openIncident("campaign") != null);
                String id = incidents.openIncident("campaign");
                await().atMost(Duration.ofSeconds(10)).until(() -> receivers.webhookBodies.stream().anyMatch(b -> b.contains("\"incident.opened\"")));
                await().atMost(Duration.ofSeconds(10)).until(() -> receivers.mails().stream().anyMatch(m -> m.contains("opened on campaign")));
                traffic.counting.set(true);

                String admin = "http://127.0.0.1:" + runner.adminAddress().getPort();
                ChromeDriver b = Chromium.start();
                try {
                    b.get(admin + "/?token=" + runner.adminToken().value());
                    WebDriverWait wait = new WebDriverWait(b, Duration.ofSeconds(20));
                    wait.ignoring(WebDriverException.class); // a node replaced between find and read: stale, or "does not belong to the document"
                    try {
                        wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
                    } catch (RuntimeException e) {
                        throw new AssertionError("dashboard not ready: " + b.getCurrentUrl() + "\n" + b.getPageSource(), e);
                    }
                    wait.until(d -> Chromium.texts(d, "#site-campaign table.rules tbody tr td").stream().anyMatch(t -> t.startsWith("campaign-")));
                    wait.until(d -> Chromium.texts(d, "#site-campaign table.sources tbody tr td").stream().anyMatch(t -> t.startsWith("127.31.")));
                    wait.until(d -> Chromium.texts(d, "#site-campaign table.sources tbody tr td").contains("AS64500 Botnet Hosting Ltd · ZZ"));
                    wait.until(d -> Chromium.texts(d, "#incidents tbody tr td").contains(id));
                    wait.until(d -> d.findElement(By.cssSelector("#site-campaign .state")).getText().equals("attack"));
                    // each rule's matches over the last polls, drawn from the page's own readings
                    wait.until(d -> (Boolean) ((org.openqa.selenium.JavascriptExecutor) d).executeScript(
                            "const s = document.querySelector('#site-campaign table.rules svg.spark');"
                            + " return s !== null && Number(s.getAttribute('data-points')) >= 3;"));
                    // grouped by autonomous system, and drilled down into the botnet's networks
                    new org.openqa.selenium.support.ui.Select(b.findElement(By.cssSelector("#site-campaign select.group-by")))
                            .selectByValue("autonomous system");
                    wait.until(d -> Chromium.texts(d, "#site-campaign table.sources tbody tr td").contains("▸ AS64500 Botnet Hosting Ltd"));
                    b.executeScript("for (const x of document.querySelectorAll('#site-campaign button.drill')) {"
                            + " if (x.innerText.includes('AS64500')) { x.click(); } }");
                    wait.until(d -> Chromium.texts(d, "#site-campaign table.sources tbody tr td").stream().anyMatch(t -> t.startsWith("127.31.")));
                    new org.openqa.selenium.support.ui.Select(b.findElement(By.cssSelector("#site-campaign select.group-by")))
                            .selectByValue("network");
                    // (the checks above take the few seconds of flood the charts below need: a longer flood
                    // strains the origin long enough on a busy machine for protection to widen to the readers)
                    assertThat(b.findElements(By.cssSelector("#site-campaign .chart canvas"))).as("three uPlot charts").hasSize(3);
                    assertThat(b.findElements(By.cssSelector("#site-campaign .u-legend"))).hasSize(3);
                    Object refusedPoints = b.executeScript(
                            "return document.querySelectorAll('#site-campaign .chart.requests .u-series').length");
                    assertThat(((Number) refusedPoints).intValue()).as("a series per verdict and the time").isGreaterThanOrEqualTo(7);
                    assertThat(b.findElement(By.cssSelector("#site-campaign .rate")).getText()).matches("[0-9,.]+ req/s, .*");
                    Files.createDirectories(Path.of("target"));
                    Files.write(Path.of("target", "dashboard.png"), b.getScreenshotAs(OutputType.BYTES));
                } finally {
                    b.quit();
                }

                traffic.stopFlood();
                await().atMost(Duration.ofSeconds(40)).until(() -> incidents.openIncident("campaign") == null);
                traffic.counting.set(false);
                assertThat(traffic.readersRefused.get()).as("no reader was refused during the drill").isZero();
                await().atMost(Duration.ofSeconds(10)).until(() -> receivers.webhookBodies.stream().anyMatch(x -> x.contains("\"incident.closed\"")));
                await().atMost(Duration.ofSeconds(10)).until(() -> receivers.mails().stream().anyMatch(m -> m.contains("closed on campaign")));

                IncidentRecord r = incidents.find(id).orElseThrow();
                assertThat(r.status()).isEqualTo("closed");
                assertThat(r.vectors()).contains("HTTP request flood");
                assertThat(r.mitigation().refused()).isGreaterThan(300);
                assertThat(r.profile().networks()).extracting(IncidentRecord.Count::value).anyMatch(n -> n.startsWith("127.31."));
                assertThat(r.profile().autonomousSystems()).extracting(IncidentRecord.Count::value).first().isEqualTo("AS64500 Botnet Hosting Ltd");
                assertThat(r.profile().countries()).extracting(IncidentRecord.Count::value).first().isEqualTo("ZZ");
                assertThat(r.secondsToMitigate()).isLessThan(5.0);
                HttpResponse<String> report = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                        URI.create(admin + "/api/incidents/" + id + "/report?format=html"))
                        .header("Authorization", "Bearer " + runner.adminToken().value()).build(), HttpResponse.BodyHandlers.ofString());
                Files.writeString(Path.of("target", "drill-report.html"), report.body()); // for the docs' screenshot
                assertThat(report.body()).contains("HTTP request flood").contains("127.31.").contains("Data egress").contains("AS64500 Botnet Hosting Ltd")
                        .contains("opened alert sent to webhook").contains("closed: the site has been normal");

                // after the attack: the incident's own page, and the hour's history with each rule's line
                String rule = r.rules().stream().max(java.util.Comparator.comparingLong(IncidentRecord.RuleSummary::matched)).orElseThrow().id();
                ChromeDriver after = Chromium.start();
                try {
                    after.get(admin + "/?token=" + runner.adminToken().value());
                    WebDriverWait wait = new WebDriverWait(after, Duration.ofSeconds(20));
                    wait.ignoring(WebDriverException.class);
                    wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
                    wait.until(d -> { // the table is redrawn every second: a link found may be gone by the click
                        d.findElement(By.cssSelector("#incidents a.incident-link")).click();
                        return true;
                    });
                    wait.until(d -> id.equals(d.findElement(By.id("incident")).getAttribute("data-incident")));
                    assertThat(after.findElement(By.id("sites")).isDisplayed()).as("the incident alone").isFalse();
                    int points = r.series().size();
                    assertThat(points).as("the incident kept a point per tick").isGreaterThan(10);
                    for (String c : List.of("inc-requests", "inc-known", "inc-sources")) {
                        assertThat(after.findElement(By.cssSelector("#incident .chart." + c)).getAttribute("data-points"))
                                .as(c + " draws the incident's own series").isEqualTo(String.valueOf(points));
                    }
                    Object peakRefused = after.executeScript("return Math.max(...uPlotData('incident/requests')[2]);");
                    assertThat(((Number) peakRefused).doubleValue()).as("refused per second at the flood's peak").isGreaterThan(20);
                    List<String> timeline = Chromium.texts(after, "#incident ol.timeline li");
                    assertThat(timeline).anyMatch(t -> t.contains("opened alert sent to webhook")).anyMatch(t -> t.contains("closed"));
                    Files.write(Path.of("target", "incident.png"), after.getScreenshotAs(OutputType.BYTES));

                    after.findElement(By.cssSelector("#incident a.back")).click();
                    wait.until(d -> d.findElement(By.id("sites")).isDisplayed());
                    after.findElement(By.cssSelector("#site-campaign .ranges button[data-range='1h']")).click();
                    wait.until(d -> Arrays.asList(String.valueOf(d.findElement(By.cssSelector("#site-campaign .chart.rulehist")).getAttribute("data-rules"))
                            .split(" ")).contains(rule));
                    Object ruleMatches = after.executeScript("return uPlotData('campaign/rules')[1].reduce((a, b) => a + b, 0);");
                    assertThat(((Number) ruleMatches).doubleValue()).as("the rule's matches in the hour's history").isGreaterThan(50);
                    Object sources = after.executeScript("return Math.max(...uPlotData('campaign/known')[2]);");
                    assertThat(((Number) sources).doubleValue()).as("the botnet's sources, second by second").isGreaterThan(20);
                    Object success = after.executeScript("return uPlotData('campaign/known')[1].filter(x => x !== null).length;");
                    assertThat(((Number) success).intValue()).as("the drill's readers keep no cookie: no known user, no success line").isZero();
                } finally {
                    after.quit();
                }
            }
        }
    }
}

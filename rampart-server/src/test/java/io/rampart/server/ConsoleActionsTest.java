package io.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import io.rampart.incident.IncidentRecord;
import io.rampart.server.admin.Operators;
import io.rampart.testing.AlertReceivers;
import io.rampart.testing.TestOrigin;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The console in a real Chromium, as a duty officer uses it: an operator adds a deny entry and a
 * rule from the dashboard (after the rule's preview), and both take effect on live traffic from
 * loopback addresses; removes the rule and traffic passes again; switches under-attack mode,
 * which opens an incident in their name; and sends it to the CERT, which a real endpoint
 * receives. A viewer signed in on the wall screen sees no actions, and the API refuses the ones
 * its page tries anyway.
 */
class ConsoleActionsTest {
    private static final String ALICE = "alice-console-token-0123456789";
    private static final String WALL = "wall-console-token-0123456789";

    @TempDir
    Path dir;

    @Test
    void anOperatorActsFromTheConsole_andEachActionTakesEffect_whileAViewerCannot() throws Exception {
        try (TestOrigin origin = new TestOrigin(); AlertReceivers receivers = new AlertReceivers()) {
            String cert = receivers.webhook(0);
            Path file = dir.resolve("rampart.yml");
            Files.writeString(file, "listeners: [{address: '127.0.0.1:0'}]\n"
                    + "admin: {address: '127.0.0.1:0', users: [{name: alice, role: operator, tokenSha256: " + Operators.hash(ALICE)
                    + "}, {name: wall, role: viewer, tokenSha256: " + Operators.hash(WALL) + "}]}\n"
                    + "dataDir: " + dir.resolve("data") + "\naccessLog: {path: 'off'}\n"
                    + "incidents: {reporter: {organisation: ACME}, cert: {url: '" + cert + "'}}\n"
                    + "sites:\n  - {name: campaign, hosts: ['*'], upstreams: ['" + origin.url() + "']}\n");
            RampartConfig config = ConfigLoader.validated(new ConfigLoader().load(file), file.toString());
            try (GatewayRunner runner = GatewayRunner.start(config, file, UnaryOperator.identity())) {
                int port = runner.gateway().listenAddresses().get(0).getPort();
                String admin = "http://127.0.0.1:" + runner.adminAddress().getPort();
                assertThat(status(port, "127.0.0.77", "/")).isEqualTo(200);
                ChromeDriver b = Chromium.start();
                try {
                    b.get(admin + "/?token=" + ALICE);
                    WebDriverWait wait = ready(b);
                    wait.until(d -> d.findElement(By.id("who")).getText().equals("signed in as alice (operator)"));

                    // a deny entry from the lists form
                    WebElement form = b.findElement(By.id("list-form"));
                    form.findElement(By.name("cidr")).sendKeys("127.0.0.77/32");
                    form.findElement(By.name("note")).sendKeys("botnet seen in the access log");
                    form.findElement(By.cssSelector("button")).click();
                    accept(wait, "Add 127.0.0.77/32 to the deny list?");
                    wait.until(d -> Chromium.texts(d, "#lists tbody td").contains("127.0.0.77/32"));
                    await("deny closes the connection at accept").atMost(Duration.ofSeconds(10))
                            .until(() -> status(port, "127.0.0.77", "/") == 0);
                    assertThat(status(port, "127.0.0.78", "/")).as("everyone else still served").isEqualTo(200);
                    assertThat(runner.gateway().lists().runtimeEntries().get(0).by()).startsWith("alice@127.0.0.1");

                    // an operator rule, previewed, then removed
                    b.findElement(By.cssSelector("#site-campaign details.act summary")).click();
                    WebElement rule = b.findElement(By.cssSelector("#site-campaign form.rule"));
                    new Select(rule.findElement(By.name("key"))).selectByValue("path");
                    rule.findElement(By.name("value")).sendKeys("/login");
                    rule.findElement(By.cssSelector("button")).click();
                    String question = accept(wait, "Add a rule to block requests to campaign where path = /login for 1h?");
                    assertThat(question).contains("Preview: normal traffic is not learned yet");
                    await().atMost(Duration.ofSeconds(10)).until(() -> status(port, "127.0.0.78", "/login") == 403);
                    assertThat(status(port, "127.0.0.78", "/about")).isEqualTo(200);
                    try {
                        wait.until(d -> Chromium.texts(d, "#site-campaign table.rules tbody td").stream().anyMatch(t -> t.startsWith("op-")));
                    } catch (RuntimeException e) {
                        throw new AssertionError("rules: " + Chromium.texts(b, "#site-campaign table.rules tbody td") + " updated: "
                                + Chromium.texts(b, "#updated") + " message: " + Chromium.texts(b, "#message"), e);
                    }
                    clickInRow(b, wait, "#site-campaign table.rules tbody tr", "op-", "Remove");
                    accept(wait, "Remove rule op-");
                    await().atMost(Duration.ofSeconds(10)).until(() -> status(port, "127.0.0.78", "/login") == 200);

                    // the charts over the last hour: the history, by the second, with the requests just made
                    b.findElement(By.cssSelector("#site-campaign .ranges button[data-range='1h']")).click();
                    wait.until(d -> "1h".equals(d.findElement(By.id("site-campaign")).getAttribute("data-range")));
                    wait.until(d -> {
                        String n = d.findElement(By.cssSelector("#site-campaign .chart.requests")).getAttribute("data-points");
                        return n != null && Integer.parseInt(n) >= 3;
                    });
                    Object allowed = b.executeAsyncScript("var done = arguments[0]; fetch('/api/history?site=campaign&range=1h', "
                            + "{credentials: 'same-origin'}).then(r => r.json()).then(h => done(h.requestsPerSecond.allow.reduce((a, x) => a + x, 0)));");
                    assertThat(((Number) allowed).doubleValue()).as("the requests served so far are in the history").isPositive();
                    b.findElement(By.cssSelector("#site-campaign .ranges button[data-range='live']")).click();

                    // under-attack mode opens an incident in the operator's name; then it goes to the CERT
                    b.findElement(By.cssSelector("#site-campaign button.switch")).click();
                    accept(wait, "Switch campaign to under-attack mode?");
                    await().atMost(Duration.ofSeconds(10)).until(() -> runner.gateway().incidents().openIncident("campaign") != null);
                    String id = runner.gateway().incidents().openIncident("campaign");
                    wait.until(d -> Chromium.texts(d, "#incidents tbody td").contains(id));
                    clickInRow(b, wait, "#incidents tbody tr", id, "Send to CERT");
                    accept(wait, "Send the report of " + id + " (figures so far) to the CERT?");
                    await().atMost(Duration.ofSeconds(20)).until(() -> receivers.webhookBodies.size() == 1);
                    assertThat(receivers.webhookBodies.get(0)).contains("\"reference\":\"" + id + "\"").contains("TLP:AMBER");
                    await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(runner.gateway().incidents().find(id).orElseThrow()
                            .timeline()).extracting(IncidentRecord.TimelineEntry::text)
                            .anyMatch(t -> t.startsWith("opened by alice@127.0.0.1"))
                            .anyMatch(t -> t.startsWith("report to the CERT queued by alice@127.0.0.1"))
                            .anyMatch(t -> t.startsWith("CERT report sent to endpoint")));
                } finally {
                    b.quit();
                }

                ChromeDriver wall = Chromium.start();
                try {
                    wall.get(admin + "/?token=" + WALL);
                    WebDriverWait wait = ready(wall);
                    wait.until(d -> d.findElement(By.id("who")).getText().equals("signed in as wall (viewer)"));
                    assertThat(wall.findElement(By.id("list-form")).isDisplayed()).as("no actions on the wall screen").isFalse();
                    assertThat(wall.findElement(By.cssSelector("#site-campaign button.switch")).isDisplayed()).isFalse();
                    Object refused = wall.executeAsyncScript("var done = arguments[0];"
                            + "fetch('/api/lists/deny', {method: 'POST', credentials: 'same-origin', headers: {'X-Rampart-Csrf': '1',"
                            + " 'Content-Type': 'application/json'}, body: JSON.stringify({cidr: '127.0.0.78/32'})}).then(r => done(r.status));");
                    assertThat(((Number) refused).intValue()).isEqualTo(403);
                    assertThat(runner.gateway().lists().runtimeEntries()).extracting(e -> e.cidr()).containsExactly("127.0.0.77/32");
                } finally {
                    wall.quit();
                }
            }
        }
    }

    private static WebDriverWait ready(ChromeDriver b) {
        WebDriverWait wait = new WebDriverWait(b, Duration.ofSeconds(20));
        wait.ignoring(WebDriverException.class); // tables are redrawn every second: a cell can go stale between find and read
        wait.until(d -> "true".equals(d.findElement(By.tagName("body")).getAttribute("data-ready")));
        return wait;
    }

    /** Waits for the confirmation, checks it starts with {@code start}, accepts it; returns its whole text. */
    private static String accept(WebDriverWait wait, String start) {
        org.openqa.selenium.Alert a = wait.until(ExpectedConditions.alertIsPresent());
        String text = a.getText();
        assertThat(text).startsWith(start);
        a.accept();
        return text;
    }

    /** Clicks the button labelled {@code label} in the row whose first cell starts with {@code first}, in one script call (rows are redrawn every second). */
    private static void clickInRow(ChromeDriver b, WebDriverWait wait, String rows, String first, String label) {
        wait.until(d -> (Boolean) ((JavascriptExecutor) d).executeScript(
                "for (const tr of document.querySelectorAll(arguments[0])) {"
                + "  if (tr.cells[0] && tr.cells[0].innerText.trim().startsWith(arguments[1])) {"
                + "    for (const btn of tr.querySelectorAll('button')) { if (btn.innerText.trim() === arguments[2]) { setTimeout(() => btn.click(), 0); return true; } }"
                + "  }"
                + "} return false;", rows, first, label));
    }

    /** The status of one GET sent from loopback address {@code from} (0 when the connection was refused or cut). */
    private static int status(int port, String from, String path) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(5000);
            OutputStream out = s.getOutputStream();
            out.write(("GET " + path + " HTTP/1.1\r\nHost: campaign.example\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) Firefox/130.0\r\n"
                    + "Accept: text/html\r\nConnection: close\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            byte[] head = in.readNBytes(12);
            String line = new String(head, StandardCharsets.US_ASCII);
            return line.startsWith("HTTP/1.1 ") ? Integer.parseInt(line.substring(9, 12)) : 0;
        } catch (Exception e) {
            return 0;
        }
    }
}

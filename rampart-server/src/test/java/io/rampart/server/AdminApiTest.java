package io.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import io.rampart.incident.IncidentJson;
import io.rampart.testing.GeoDatabases;
import io.rampart.testing.RawHttp;
import io.rampart.testing.TestOrigin;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * The admin API as an operator meets it, over real sockets: the token is always required (bearer
 * or the browser's cookie, with a CSRF header for changes), garbage gets a precise 4xx, rules and
 * list entries take effect on live traffic, a refused response's reference id is explained, the
 * under-attack switch opens an incident whose report renders in every format (API and CLI), and a
 * broken configuration is refused while traffic flows.
 */
class AdminApiTest {
    @TempDir
    Path dir;
    @TempDir
    static Path geoDir;
    private static List<String> geo;
    private TestOrigin origin;
    private GatewayRunner runner;
    private Path file;
    private String token;
    private String admin;
    private int port;
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();

    private String yaml(String extra) {
        return "listeners: [{address: '127.0.0.1:0'}]\nadmin: {address: '127.0.0.1:0'}\n"
                + "dataDir: " + dir.resolve("data") + "\naccessLog: {path: " + dir.resolve("access.log") + "}\n"
                + "incidents: {closeAfter: 1s, geoDatabases: ['" + String.join("', '", geo) + "']}\n" + extra
                + "sites:\n  - {name: campaign, hosts: ['*'], upstreams: ['" + origin.url() + "']}\n";
    }

    @BeforeAll
    static void geoDatabases() throws Exception {
        geo = GeoDatabases.all(geoDir);
    }

    @BeforeEach
    void start() throws Exception {
        origin = new TestOrigin();
        file = dir.resolve("rampart.yml");
        Files.writeString(file, yaml(""));
        RampartConfig c = ConfigLoader.validated(new ConfigLoader().load(file), file.toString());
        runner = GatewayRunner.start(c, file, UnaryOperator.identity());
        token = runner.adminToken().value();
        admin = "http://127.0.0.1:" + runner.adminAddress().getPort();
        port = runner.gateway().listenAddresses().get(0).getPort();
    }

    @AfterEach
    void stop() {
        runner.close();
        origin.close();
    }

    private HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(admin + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> api(String method, String path, String body) throws Exception {
        return call(method, path, body, "Authorization", "Bearer " + token);
    }

    private JsonNode json(HttpResponse<String> r) throws IOException {
        return IncidentJson.MAPPER.readTree(r.body());
    }

    @Test
    void withoutTheToken_theApiDashboardAndDetectionAreRefused_butMetricsAndHealthAreOpen() throws Exception {
        for (String path : List.of("/api/status", "/api/incidents", "/detection", "/api/refs/000000000001")) {
            HttpResponse<String> r = call("GET", path, null);
            assertThat(r.statusCode()).as(path).isEqualTo(401);
            assertThat(r.headers().firstValue("WWW-Authenticate")).contains("Bearer realm=\"rampart-admin\"");
            assertThat(r.body()).contains("missing or wrong admin token");
        }
        assertThat(call("GET", "/api/status", null, "Authorization", "Bearer " + token + "x").statusCode()).isEqualTo(401);
        assertThat(call("POST", "/api/reload", "").statusCode()).isEqualTo(401);
        HttpResponse<String> page = call("GET", "/", null);
        assertThat(page.statusCode()).isEqualTo(401);
        assertThat(page.body()).contains("?token=");
        assertThat(call("GET", "/?token=wrong-token-wrong-token", null).statusCode()).isEqualTo(401);
        assertThat(call("GET", "/metrics", null).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/healthz", null).body()).contains("\"status\":\"ok\"");
        assertThat(api("GET", "/api/status", null).statusCode()).isEqualTo(200);
    }

    @Test
    void theGeneratedToken_isKeptOwnerOnly_andTheBrowserSignInSetsAStrictCookie_whoseChangesNeedTheCsrfHeader() throws Exception {
        Path tokenFile = dir.resolve("data").resolve("admin-token");
        assertThat(Files.readString(tokenFile).trim()).isEqualTo(token);
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(tokenFile))).isEqualTo("rw-------");
        assertThat(runner.adminToken().generated()).isTrue();
        HttpResponse<String> signIn = call("GET", "/?token=" + token, null);
        assertThat(signIn.statusCode()).isEqualTo(303);
        assertThat(signIn.headers().firstValue("Location")).contains("/");
        String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow();
        assertThat(cookie).startsWith("rampart_admin=").contains("HttpOnly").contains("SameSite=Strict");
        String pair = cookie.substring(0, cookie.indexOf(';'));
        assertThat(pair).as("a session id, never the token").doesNotContain(token);
        assertThat(call("GET", "/api/status", null, "Cookie", "rampart_admin=" + token).statusCode())
                .as("the token as a cookie value is not a session").isEqualTo(401);
        assertThat(call("GET", "/api/status", null, "Cookie", "rampart_admin=%00garbage; ;;=").statusCode()).isEqualTo(401);
        assertThat(call("GET", "/", null, "Cookie", pair).body()).contains("<title>Rampart</title>");
        assertThat(call("GET", "/ui/uplot.js", null, "Cookie", pair).statusCode()).isEqualTo(200);
        assertThat(call("GET", "/api/status", null, "Cookie", pair).statusCode()).isEqualTo(200);
        HttpResponse<String> forged = call("POST", "/api/sites/campaign/under-attack?on=true", "", "Cookie", pair);
        assertThat(forged.statusCode()).isEqualTo(403);
        assertThat(forged.body()).contains("X-Rampart-Csrf");
        assertThat(call("POST", "/api/sites/campaign/under-attack?on=false", "", "Cookie", pair, "X-Rampart-Csrf", "1").statusCode())
                .isEqualTo(200);
    }

    @Test
    void garbage_getsAPreciseAnswer_andChangesNothing() throws Exception {
        assertThat(json(api("POST", "/api/rules", "{not json")).get("error").asText()).startsWith("the body is not JSON");
        assertThat(api("POST", "/api/rules", "[1,2]").statusCode()).isEqualTo(400);
        assertThat(json(api("GET", "/api/firewall?limit=lots", null)).get("error").asText()).contains("limit", "'lots'");
        assertThat(api("GET", "/api/firewall?limit=0", null).statusCode()).isEqualTo(400);
        assertThat(api("POST", "/api/firewall", "{}").statusCode()).isEqualTo(405);
        assertThat(api("POST", "/api/cluster", "{}").statusCode()).isEqualTo(405);
        assertThat(api("GET", "/api/cluster/nodes", null).statusCode()).isEqualTo(404);
        assertThat(json(api("GET", "/api/cluster", null)).get("enabled").asBoolean()).as("no cluster by default").isFalse();
        assertThat(json(api("GET", "/api/firewall", null)).get("enabled").asBoolean()).as("off by default").isFalse();
        assertThat(json(api("POST", "/api/rules", "{\"site\":\"campaign\",\"step\":\"block\"}")).get("error").asText())
                .isEqualTo("expected site, step and a match object");
        assertThat(json(api("POST", "/api/rules", "{\"site\":\"campaign\",\"step\":\"smite\",\"match\":{\"path\":\"/\"}}")).get("error").asText())
                .contains("smite");
        assertThat(json(api("POST", "/api/rules", "{\"site\":\"campaign\",\"step\":\"block\",\"match\":{\"path\":\"/\"},\"ttl\":\"soon\"}"))
                .get("error").asText()).contains("soon");
        assertThat(json(api("POST", "/api/lists/deny", "{\"cidr\":\"999.1.1.0/24\"}")).get("error").asText()).startsWith("cidr:");
        assertThat(api("POST", "/api/lists/maybe", "{\"cidr\":\"10.0.0.0/8\"}").statusCode()).isEqualTo(404);
        assertThat(json(api("POST", "/api/sites/campaign/under-attack?on=perhaps", "")).get("error").asText()).isEqualTo("expected on=true or on=false");
        assertThat(api("POST", "/api/sites/nowhere/under-attack?on=true", "").statusCode()).isEqualTo(404);
        assertThat(json(api("GET", "/api/refs/short", null)).get("error").asText()).contains("12 characters");
        assertThat(api("GET", "/api/incidents/nope", null).statusCode()).isEqualTo(404);
        assertThat(api("DELETE", "/api/status", null).statusCode()).isEqualTo(405);
        assertThat(json(api("GET", "/api/nothing", null)).get("error").asText()).contains("/api/status");
        assertThat(api("GET", "/api/incidents/x/report?format=pdf", null).statusCode()).isEqualTo(400);
        assertThat(json(api("GET", "/api/lists", null)).get("runtime")).isEmpty();
        assertThat(json(api("GET", "/api/rules", null))).isEmpty();
        try (RawHttp c = new RawHttp(port)) {
            assertThat(c.get("a", "/echo").status()).as("the gateway still serves").isEqualTo(200);
        }
    }

    @Test
    void anOperatorRule_refusesThatClientOnly_andTheRefOnItsAnswerNamesTheRule() throws Exception {
        HttpResponse<String> added = api("POST", "/api/rules",
                "{\"site\":\"campaign\",\"step\":\"block\",\"match\":{\"address\":\"127.0.0.78\"},\"ttl\":\"10m\"}");
        assertThat(added.statusCode()).isEqualTo(201);
        String id = json(added).get("id").asText();
        RawHttp.Response refused;
        try (RawHttp c = new RawHttp("127.0.0.78", port)) {
            refused = c.get("a", "/echo?who=bot");
        }
        assertThat(refused.status()).isEqualTo(403);
        String ref = refused.header("x-rampart-ref");
        try (RawHttp c = new RawHttp("127.0.0.79", port)) {
            assertThat(c.get("a", "/echo").status()).isEqualTo(200);
        }
        JsonNode why = json(api("GET", "/api/refs/" + ref, null));
        assertThat(why.at("/request/client").asText()).isEqualTo("127.0.0.78");
        assertThat(why.at("/request/target").asText()).isEqualTo("/echo?who=bot");
        assertThat(why.at("/request/status").asInt()).isEqualTo(403);
        assertThat(why.at("/why/reason").asText()).isEqualTo("rule");
        assertThat(why.at("/rule/id").asText()).isEqualTo(id);
        assertThat(why.at("/rule/matchedTotal").asLong()).isEqualTo(1);
        assertThat(api("DELETE", "/api/rules/" + id, null).statusCode()).isEqualTo(200);
        try (RawHttp c = new RawHttp("127.0.0.78", port)) {
            assertThat(c.get("a", "/echo").status()).isEqualTo(200);
        }
    }

    @Test
    void aRuleOnTheHeaderFingerprint_thatTheRefLookupShows_refusesThatClientSoftwareFromAnyAddress() throws Exception {
        String botHeaders = "GET /echo?%s HTTP/1.1\r\nHost: a\r\nX-Bot-Kit: 3\r\nAccept: */*\r\nUser-Agent: Mozilla/5.0\r\n\r\n";
        RawHttp.Response first;
        try (RawHttp c = new RawHttp("127.0.0.81", port)) {
            first = c.send(String.format(botHeaders, "one")).read();
        }
        assertThat(first.status()).isEqualTo(200);
        String hfp = json(api("GET", "/api/refs/" + first.header("x-rampart-ref"), null)).at("/request/hfp").asText();
        assertThat(hfp).matches("[0-9a-f]{16}");
        HttpResponse<String> added = api("POST", "/api/rules",
                "{\"site\":\"campaign\",\"step\":\"block\",\"match\":{\"hfp\":\"" + hfp + "\"},\"ttl\":\"10m\"}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        try (RawHttp c = new RawHttp("127.0.0.82", port)) {
            assertThat(c.send(String.format(botHeaders, "two")).read().status()).as("same software, another address").isEqualTo(403);
        }
        try (RawHttp c = new RawHttp("127.0.0.82", port)) {
            assertThat(c.get("a", "/echo?three").status()).as("other software from that address").isEqualTo(200);
        }
        assertThat(api("POST", "/api/rules", "{\"site\":\"campaign\",\"step\":\"block\",\"match\":{\"hfp\":\"xyz\"}}").statusCode())
                .isEqualTo(400);
        assertThat(api("DELETE", "/api/rules/" + json(added).get("id").asText(), null).statusCode()).isEqualTo(200);
    }

    @Test
    void aRuleOnAnAutonomousSystem_refusesEveryAddressOfIt_andSparesTheRest() throws Exception {
        HttpResponse<String> added = api("POST", "/api/rules",
                "{\"site\":\"campaign\",\"step\":\"block\",\"match\":{\"asn\":\"AS64500\"},\"ttl\":\"10m\"}");
        assertThat(added.statusCode()).as(added.body()).isEqualTo(201);
        for (String bot : List.of("127.31.0.9", "127.31.200.3")) {
            try (RawHttp c = new RawHttp(bot, port)) {
                assertThat(c.get("a", "/echo?from=" + bot).status()).as(bot + " is in AS64500").isEqualTo(403);
            }
        }
        try (RawHttp c = new RawHttp("127.32.0.9", port)) {
            assertThat(c.get("a", "/echo?from=other-as").status()).as("AS64501").isEqualTo(200);
        }
        assertThat(json(api("GET", "/api/rules", null)).toString()).contains("asn=AS64500");
        HttpResponse<String> bad = api("POST", "/api/rules", "{\"site\":\"campaign\",\"step\":\"block\",\"match\":{\"country\":\"Atlantis\"}}");
        assertThat(bad.statusCode()).isEqualTo(400);
        assertThat(json(bad).get("error").asText()).contains("match.country: expected a two-letter ISO 3166 code");
    }

    @Test
    void aDenyEntry_closesThatClientsConnections_isKeptAcrossRestarts_andCanBeRemoved() throws Exception {
        assertThat(api("POST", "/api/lists/deny", "{\"cidr\":\"127.0.0.77/32\",\"note\":\"botnet C2 report\"}").statusCode()).isEqualTo(201);
        assertThat(RawHttp.turnedAway("127.0.0.77", port, 2000)).isTrue();
        try (RawHttp c = new RawHttp("127.0.0.76", port)) {
            assertThat(c.get("a", "/echo").status()).isEqualTo(200);
        }
        assertThat(Files.readString(dir.resolve("data").resolve("lists.json"))).contains("127.0.0.77/32").contains("botnet C2 report");
        JsonNode lists = json(api("GET", "/api/lists", null));
        assertThat(lists.at("/runtime/0/by").asText()).startsWith("admin@127.0.0.1");
        assertThat(api("DELETE", "/api/lists/deny?cidr=127.0.0.77/32", null).statusCode()).isEqualTo(200);
        try (RawHttp c = new RawHttp("127.0.0.77", port)) {
            assertThat(c.get("a", "/echo").status()).isEqualTo(200);
        }
        assertThat(api("DELETE", "/api/lists/deny?cidr=127.0.0.77/32", null).statusCode()).isEqualTo(404);
    }

    @Test
    void theUnderAttackSwitch_opensAnIncident_whoseReportRendersInEveryFormat_throughTheApiAndTheCli() throws Exception {
        JsonNode on = json(api("POST", "/api/sites/campaign/under-attack?on=true", ""));
        String id = on.get("incident").asText();
        assertThat(id).startsWith("campaign-");
        try (RawHttp c = new RawHttp(port)) {
            assertThat(c.get("a", "/page").status()).as("anonymous clients are challenged").isEqualTo(403);
        }
        assertThat(json(api("POST", "/api/incidents/" + id + "/notes", "{\"text\":\"ISP informed\"}")).get("noted").asText()).isEqualTo("ISP informed");
        assertThat(api("POST", "/api/sites/campaign/under-attack?on=false", "").statusCode()).isEqualTo(200);
        JsonNode closed = json(api("POST", "/api/incidents/" + id + "/close", "{\"note\":\"all clear\"}"));
        assertThat(closed.get("status").asText()).isEqualTo("closed");
        HttpResponse<String> html = api("GET", "/api/incidents/" + id + "/report?format=html", null);
        assertThat(html.headers().firstValue("Content-Type")).contains("text/html; charset=utf-8");
        assertThat(html.body()).contains("Incident report " + id).contains("under-attack switch turned on").contains("ISP informed")
                .contains("closed by admin@127.0.0.1: all clear");
        assertThat(api("GET", "/api/incidents/" + id + "/report?format=md", null).body()).startsWith("**TLP:AMBER**").contains("# Incident report " + id);
        assertThat(json(api("GET", "/api/incidents/" + id + "/report?format=json", null)).at("/stix/type").asText()).isEqualTo("bundle");
        assertThat(json(api("GET", "/api/incidents/" + id + "/report?format=stix", null)).get("objects")).isNotEmpty();
        assertThat(json(api("GET", "/api/incidents", null)).get(0).get("id").asText()).isEqualTo(id);
        runner.gateway().incidents().flush();

        String data = dir.resolve("data").toString();
        assertThat(cli("incidents", "--data-dir", data)).contains(id).contains("closed");
        assertThat(cli("report", id, "--data-dir", data, "--format", "md")).startsWith("**TLP:AMBER**").contains("# Incident report " + id);
        Path out = dir.resolve("report.html");
        assertThat(cli("report", id, "--data-dir", data, "--format", "html", "-o", out.toString())).contains("wrote");
        assertThat(Files.readString(out)).contains("<!doctype html>");
        assertThat(cli("report", id, "--data-dir", data, "--format", "pdf")).contains("--format: expected one of md, html, json, stix, got 'pdf'");
        assertThat(cli("report", "nope", "--data-dir", data)).contains("no incident 'nope'");
        assertThat(cli("incidents", "--data-dir", dir.resolve("empty").toString())).contains("no incident store in");
    }

    @Test
    void theTrafficHistory_countsWhatWasServed_andSurvivesARestart() throws Exception {
        try (RawHttp c = new RawHttp("127.0.0.61", port)) {
            for (int i = 0; i < 7; i++) {
                assertThat(c.get("campaign.example", "/history-" + i).status()).isEqualTo(200);
            }
        }
        String rule = json(api("POST", "/api/rules", "{\"site\":\"campaign\",\"step\":\"block\",\"match\":{\"path\":\"/forbidden\"}}")).get("id").asText();
        try (RawHttp c = new RawHttp("127.0.0.62", port)) {
            for (int i = 0; i < 5; i++) {
                assertThat(c.get("campaign.example", "/forbidden").status()).isEqualTo(403);
            }
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> allowed(json(api("GET", "/api/history?site=campaign&range=1h", null))) >= 7);
        await().atMost(Duration.ofSeconds(10)).until(() -> matched(json(api("GET", "/api/history?site=campaign&range=1h", null)), rule) >= 5);
        JsonNode before = json(api("GET", "/api/history?site=campaign&range=1h", null));
        assertThat(before.get("pointSeconds").asInt()).isEqualTo(1);
        assertThat(api("GET", "/api/history?site=campaign&range=1y", null).body()).contains("expected 1h, 24h or 30d");
        assertThat(api("GET", "/api/history?site=nope", null).statusCode()).isEqualTo(404);

        runner.close();
        RampartConfig c = ConfigLoader.validated(new ConfigLoader().load(file), file.toString());
        runner = GatewayRunner.start(c, file, UnaryOperator.identity());
        admin = "http://127.0.0.1:" + runner.adminAddress().getPort();
        token = runner.adminToken().value();
        JsonNode after = json(api("GET", "/api/history?site=campaign&range=1h", null));
        assertThat(allowed(after)).as("kept in the data directory's history.db").isGreaterThanOrEqualTo(7);
        assertThat(allowed(json(api("GET", "/api/history?site=campaign&range=24h", null)))).as("the minutes too").isGreaterThanOrEqualTo(7);
        assertThat(matched(after, rule)).as("the rule's line too").isEqualTo(5.0);
        assertThat(matched(json(api("GET", "/api/history?site=campaign&range=30d", null)), rule)).as("its hours").isCloseTo(5.0, org.assertj.core.data.Offset.offset(0.01));
    }

    /** A rule's matches over a history answer. */
    private static double matched(JsonNode h, String rule) {
        double sum = 0;
        int width = h.get("pointSeconds").asInt();
        for (JsonNode v : h.at("/rules/matchesPerSecond").path(rule)) {
            sum += v.asDouble() * width;
        }
        return Math.round(sum * 100) / 100.0;
    }

    /** Requests allowed over a history answer (rates times the point width). */
    private static double allowed(JsonNode h) {
        double sum = 0;
        for (JsonNode v : h.at("/requestsPerSecond/allow")) {
            sum += v.asDouble() * h.get("pointSeconds").asInt();
        }
        return sum;
    }

    private static String cli(String... args) {
        StringWriter out = new StringWriter();
        CommandLine cl = new CommandLine(new Main());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(out, true));
        cl.execute(args);
        return out.toString();
    }

    @Test
    void aBrokenConfiguration_isRefusedWithItsErrors_whileTrafficFlows_andAGoodOneAppliesWithoutDroppingARequest() throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger ok = new AtomicInteger();
        List<String> failures = new ArrayList<>();
        Thread load = new Thread(() -> {
            int i = 0;
            while (running.get()) {
                try (RawHttp c = new RawHttp("127.0.1." + (i++ % 200 + 1), port)) {
                    RawHttp.Response r = c.get("a", "/echo?i=" + i);
                    if (r.status() == 200) {
                        ok.incrementAndGet();
                    } else {
                        failures.add("status " + r.status());
                    }
                } catch (IOException e) {
                    failures.add(e.toString());
                }
            }
        });
        load.start();
        try (RawHttp slow = new RawHttp(port)) {
            slow.send("GET /slow?ms=1500 HTTP/1.1\r\nHost: a\r\n\r\n");
            await().atMost(Duration.ofSeconds(3)).until(() -> origin.slowInFlight.get() == 1);

            Files.writeString(file, yaml("").replace("upstreams: ['", "upstreams: ['nope"));
            HttpResponse<String> refused = api("POST", "/api/reload", "");
            assertThat(refused.statusCode()).isEqualTo(422);
            assertThat(json(refused).get("error").asText()).contains("sites[0].upstreams[0]");
            Files.writeString(file, yaml("").replace("listeners: [{address: '127.0.0.1:0'}]", "listeners: [{address: '127.0.0.1:1'}]"));
            assertThat(json(api("POST", "/api/reload", "")).get("error").asText()).contains("restart").contains("listeners");

            Files.writeString(file, yaml("deny: ['127.0.0.70/32']\n").replace("upstreams: ['" + origin.url() + "']}",
                    "upstreams: ['" + origin.url() + "'], pin: challenge}"));
            assertThat(json(api("POST", "/api/reload", "")).get("message").asText()).contains("reloaded");
            assertThat(runner.gateway().detection().view().get(0).pin()).as("a pin in the file applies on reload").isEqualTo("challenge");
            RawHttp.Response r = slow.read();
            assertThat(r.status()).as("the request in flight during the reloads").isEqualTo(200);
            assertThat(r.text()).isEqualTo("slow 1500");
        }
        assertThat(RawHttp.turnedAway("127.0.0.70", port, 2000)).as("the new deny list is in force").isTrue();
        Thread.sleep(300);
        running.set(false);
        load.join();
        assertThat(failures).as("no request failed during the reloads").isEmpty();
        assertThat(ok.get()).isGreaterThan(20);

        // a change of the file alone is picked up by the watcher
        Files.writeString(file, yaml(""));
        await().atMost(Duration.ofSeconds(10)).ignoreExceptions().untilAsserted(() -> {
            try (RawHttp c = new RawHttp("127.0.0.70", port)) {
                assertThat(c.get("a", "/echo").status()).isEqualTo(200);
            }
        });
    }

    @Test
    void aSiteAddedByReload_isServed_andShowsInTheStatusWithItsOwnSeries_andLeavesWhenRemoved() throws Exception {
        String shop = "  - {name: shop, hosts: [shop.test], upstreams: ['" + origin.url() + "']}\n";
        Files.writeString(file, yaml("").replace("sites:\n", "sites:\n" + shop));
        assertThat(json(api("POST", "/api/reload", "")).get("message").asText()).contains("reloaded");
        List<String> names = new ArrayList<>();
        json(api("GET", "/api/status", "")).get("sites").forEach(n -> names.add(n.get("name").asText()));
        assertThat(names).containsExactly("shop", "campaign");
        try (RawHttp c = new RawHttp(port)) {
            for (int i = 0; i < 5; i++) {
                assertThat(c.get("shop.test", "/echo?shop=" + i).status()).isEqualTo(200);
            }
        }
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> {
            JsonNode shopStatus = json(api("GET", "/api/status", "")).get("sites").get(0);
            assertThat(shopStatus.get("name").asText()).isEqualTo("shop");
            assertThat(shopStatus.get("state").asText()).as("the control plane watches the new site").isNotEqualTo("detection off");
            double served = 0;
            for (JsonNode v : shopStatus.get("series").get("requestsPerSecond").get("allow")) {
                served += v.asDouble();
            }
            assertThat(served).as("the new site's own dashboard series").isGreaterThan(0);
            JsonNode campaign = json(api("GET", "/api/status", "")).get("sites").get(1);
            double campaignServed = 0;
            for (JsonNode v : campaign.get("series").get("requestsPerSecond").get("allow")) {
                campaignServed += v.asDouble();
            }
            assertThat(campaignServed).as("the shop's requests are not counted for campaign").isZero();
        });

        // removed by editing the file alone: the watcher reloads it, and the open incident's timeline says what changed
        String id = json(api("POST", "/api/incidents", "{\"site\": \"campaign\", \"note\": \"drill\"}")).get("id").asText();
        Files.writeString(file, yaml(""));
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            List<String> now = new ArrayList<>();
            json(api("GET", "/api/sites", "")).forEach(n -> now.add(n.get("name").asText()));
            assertThat(now).containsExactly("campaign");
        });
        await().atMost(Duration.ofSeconds(5)).untilAsserted(() -> assertThat(api("GET", "/api/incidents/" + id, "").body())
                .contains("configuration reloaded").contains("removed: shop"));
    }
}

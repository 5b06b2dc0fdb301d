package io.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import io.rampart.incident.IncidentJson;
import io.rampart.server.admin.Operators;
import io.rampart.testing.AlertReceivers;
import io.rampart.testing.TestOrigin;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Named operators over real sockets: a viewer (the wall screen) reads everything and changes
 * nothing, by token or by browser session; an operator's actions carry their name into the
 * incident timeline; a bad users file stops the start with the line that is wrong; and "send to
 * CERT" through the API reaches a real endpoint and the timeline.
 */
class AdminRolesTest {
    private static final String ALICE = "alice-token-0123456789abcdef";
    private static final String WALL = "wall-screen-token-0123456789";
    private final HttpClient http = HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).build();
    private final AlertReceivers receivers = new AlertReceivers();
    private TestOrigin origin;
    private GatewayRunner runner;
    private String admin;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (runner != null) {
            runner.close();
        }
        if (origin != null) {
            origin.close();
        }
        receivers.close();
    }

    private void start(String extraAdmin, String extra) throws Exception {
        origin = new TestOrigin();
        Path file = dir.resolve("rampart.yml");
        Files.writeString(file, "listeners: [{address: '127.0.0.1:0'}]\n"
                + "admin: {address: '127.0.0.1:0'" + extraAdmin + "}\n"
                + "dataDir: " + dir.resolve("data") + "\naccessLog: {path: 'off'}\n" + extra
                + "sites:\n  - {name: campaign, hosts: ['*'], upstreams: ['" + origin.url() + "']}\n");
        RampartConfig c = ConfigLoader.validated(new ConfigLoader().load(file), file.toString());
        runner = GatewayRunner.start(c, file, UnaryOperator.identity());
        admin = "http://127.0.0.1:" + runner.adminAddress().getPort();
    }

    private HttpResponse<String> call(String method, String path, String body, String... headers) throws Exception {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(admin + path)).timeout(Duration.ofSeconds(10))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        if (headers.length > 0) {
            b.headers(headers);
        }
        return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private HttpResponse<String> as(String token, String method, String path, String body) throws Exception {
        return call(method, path, body, "Authorization", "Bearer " + token);
    }

    private String users() throws Exception {
        Path f = dir.resolve("users");
        Files.writeString(f, "# name role sha256\nwall viewer " + Operators.hash(WALL) + "\n");
        return ", users: [{name: alice, role: operator, tokenSha256: " + Operators.hash(ALICE) + "}], usersFile: " + f;
    }

    @Test
    void aViewer_readsEverything_butEveryChangeIsRefused_byTokenOrBySession() throws Exception {
        start(users(), "");
        assertThat(as(WALL, "GET", "/api/status", null).statusCode()).isEqualTo(200);
        assertThat(IncidentJson.MAPPER.readTree(as(WALL, "GET", "/api/whoami", null).body()).get("role").asText()).isEqualTo("viewer");
        assertThat(as(WALL, "GET", "/", null).statusCode()).as("the dashboard").isEqualTo(200);
        for (String[] change : new String[][] {{"POST", "/api/sites/campaign/under-attack?on=true", ""},
                {"POST", "/api/lists/deny", "{\"cidr\": \"203.0.113.0/24\"}"}, {"POST", "/api/reload", ""},
                {"POST", "/api/incidents", "{\"site\": \"campaign\"}"}, {"DELETE", "/api/rules/x", null},
                {"POST", "/detection/pin?site=campaign&step=block", ""}}) {
            HttpResponse<String> r = as(WALL, change[0], change[1], change[2]);
            assertThat(r.statusCode()).as("%s %s", change[0], change[1]).isEqualTo(403);
            assertThat(r.body()).contains("user wall has the viewer role");
        }
        assertThat(runner.gateway().lists().runtimeEntries()).as("nothing changed").isEmpty();
        assertThat(IncidentJson.MAPPER.readTree(as(ALICE, "GET", "/api/status", null).body()).at("/sites/0/underAttack").asBoolean()).isFalse();

        // the same through a browser session: signing in as the viewer gives a viewer's session
        HttpResponse<String> signIn = call("GET", "/?token=" + WALL, null);
        String cookie = signIn.headers().firstValue("Set-Cookie").orElseThrow().split(";", 2)[0];
        HttpResponse<String> r = call("POST", "/api/sites/campaign/under-attack?on=true", "", "Cookie", cookie, "X-Rampart-Csrf", "1");
        assertThat(r.statusCode()).isEqualTo(403);
        assertThat(IncidentJson.MAPPER.readTree(call("GET", "/api/whoami", null, "Cookie", cookie).body()).get("name").asText()).isEqualTo("wall");
    }

    @Test
    void anOperatorsActions_carryTheirNameIntoTheTimeline_andAWrongTokenIsNobody() throws Exception {
        start(users(), "");
        assertThat(as(ALICE + "x", "GET", "/api/status", null).statusCode()).isEqualTo(401);
        assertThat(as(Operators.hash(ALICE), "GET", "/api/status", null).statusCode()).as("the hash is not the token").isEqualTo(401);
        JsonNode on = IncidentJson.MAPPER.readTree(as(ALICE, "POST", "/api/sites/campaign/under-attack?on=true", "").body());
        String id = on.get("incident").asText();
        assertThat(as(ALICE, "POST", "/api/incidents/" + id + "/notes", "{\"text\": \"ISP informed\"}").statusCode()).isEqualTo(201);
        assertThat(as(runner.adminToken().value(), "POST", "/api/lists/deny", "{\"cidr\": \"203.0.113.0/24\"}").statusCode()).isEqualTo(201);
        JsonNode incident = IncidentJson.MAPPER.readTree(as(ALICE, "GET", "/api/incidents/" + id, null).body());
        List<String> lines = new java.util.ArrayList<>();
        incident.get("timeline").forEach(e -> lines.add(e.get("text").asText()));
        assertThat(lines).anyMatch(t -> t.startsWith("opened by alice@127.0.0.1"))
                .anyMatch(t -> t.contains("alice@127.0.0.1") && t.contains("note: ISP informed"))
                .anyMatch(t -> t.contains("admin@127.0.0.1") && t.contains("203.0.113.0/24 added to the deny list"));
    }

    @Test
    void aBrokenUsersFile_stopsTheStart_namingTheLine() throws Exception {
        Path f = dir.resolve("users");
        Files.writeString(f, "wall viewer " + Operators.hash(WALL) + "\nbob admin " + Operators.hash("x") + "\n");
        assertThatThrownBy(() -> start(", usersFile: " + f, "")).hasMessageContaining(f + " line 2: user bob: expected role viewer or operator");
        Files.writeString(f, "alice operator " + Operators.hash(WALL) + "\n");
        assertThatThrownBy(() -> start(", users: [{name: alice, role: operator, tokenSha256: " + Operators.hash(ALICE) + "}], usersFile: " + f, ""))
                .hasMessageContaining("user alice is already defined by admin.users");
    }

    @Test
    void sendToCert_throughTheApi_reachesTheEndpoint_andTheTimeline() throws Exception {
        String url = receivers.webhook(0);
        start(users(), "incidents: {reporter: {organisation: ACME, tlp: GREEN}, cert: {url: '" + url + "'}}\n");
        String id = IncidentJson.MAPPER.readTree(as(ALICE, "POST", "/api/incidents", "{\"site\": \"campaign\", \"note\": \"drill\"}").body())
                .get("id").asText();
        assertThat(as(WALL, "POST", "/api/incidents/" + id + "/send", "").statusCode()).as("a viewer cannot send").isEqualTo(403);
        HttpResponse<String> sent = as(ALICE, "POST", "/api/incidents/" + id + "/send", "");
        assertThat(sent.statusCode()).isEqualTo(202);
        assertThat(sent.body()).contains("endpoint " + url);
        await().atMost(Duration.ofSeconds(20)).until(() -> receivers.webhookBodies.size() == 1);
        JsonNode body = IncidentJson.MAPPER.readTree(receivers.webhookBodies.get(0).split("\n", 2)[1]);
        assertThat(body.get("tlp").asText()).isEqualTo("TLP:GREEN");
        assertThat(body.at("/reporter/organisation").asText()).isEqualTo("ACME");
        await().untilAsserted(() -> assertThat(as(ALICE, "GET", "/api/incidents/" + id, null).body())
                .contains("report to the CERT queued by alice@127.0.0.1").contains("CERT report sent to endpoint " + url));
        assertThat(as(ALICE, "POST", "/api/incidents/nope/send", "").statusCode()).isEqualTo(404);
    }

    @Test
    void sendReport_fromTheCommandLine_asksTheRunningGateway_andSaysWhatWentWrong() throws Exception {
        String url = receivers.webhook(0);
        int adminPort = AlertReceivers.freePort();
        Path tokenFile = dir.resolve("admin.token");
        Files.writeString(tokenFile, ALICE + "-admin\n");
        start(", tokenFile: " + tokenFile, "incidents: {cert: {url: '" + url + "'}}\n");
        // the same configuration with the admin port the CLI must find
        runner.close();
        runner = null;
        Path file = dir.resolve("rampart.yml");
        Files.writeString(file, Files.readString(file).replace("admin: {address: '127.0.0.1:0'", "admin: {address: '127.0.0.1:" + adminPort + "'"));
        runner = GatewayRunner.start(ConfigLoader.validated(new ConfigLoader().load(file), file.toString()), file, UnaryOperator.identity());
        admin = "http://127.0.0.1:" + adminPort;
        String token = ALICE + "-admin";
        String id = IncidentJson.MAPPER.readTree(as(token, "POST", "/api/incidents", "{\"site\": \"campaign\"}").body()).get("id").asText();

        String[] out = cli("send-report", id, "--config", file.toString());
        assertThat(out[0]).isEqualTo("0");
        assertThat(out[1]).contains("queued for endpoint " + url);
        await().atMost(Duration.ofSeconds(20)).until(() -> receivers.webhookBodies.size() == 1);
        await().untilAsserted(() -> assertThat(as(token, "GET", "/api/incidents/" + id, null).body())
                .contains("report to the CERT queued by admin@127.0.0.1"));

        out = cli("send-report", "nope", "--config", file.toString());
        assertThat(out[0]).isEqualTo("1");
        assertThat(out[1]).contains("the gateway answered 404: no incident 'nope'");
        out = cli("send-report", "../../api/reload", "--config", file.toString());
        assertThat(out[0]).isEqualTo("2");
        assertThat(out[1]).contains("expected an incident id");
        runner.close();
        runner = null;
        out = cli("send-report", id, "--config", file.toString());
        assertThat(out[0]).isEqualTo("1");
        assertThat(out[1]).contains("cannot reach the gateway's admin listener at 127.0.0.1:" + adminPort);
    }

    /** Runs the CLI: exit code, then what it printed. */
    private static String[] cli(String... args) {
        java.io.StringWriter out = new java.io.StringWriter();
        picocli.CommandLine cl = new picocli.CommandLine(new Main());
        cl.setOut(new java.io.PrintWriter(out, true));
        cl.setErr(new java.io.PrintWriter(out, true));
        int code = cl.execute(args);
        return new String[] {Integer.toString(code), out.toString()};
    }

    @Test
    void sendToCert_withoutADestination_saysWhatToConfigure() throws Exception {
        start("", "");
        String token = runner.adminToken().value();
        String id = IncidentJson.MAPPER.readTree(as(token, "POST", "/api/incidents", "{\"site\": \"campaign\"}").body()).get("id").asText();
        HttpResponse<String> r = as(token, "POST", "/api/incidents/" + id + "/send", "");
        assertThat(r.statusCode()).isEqualTo(409);
        assertThat(r.body()).contains("incidents.cert.to").contains("incidents.cert.url");
    }
}

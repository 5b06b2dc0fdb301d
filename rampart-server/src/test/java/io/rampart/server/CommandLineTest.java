package io.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rampart.testing.RawHttp;
import io.rampart.testing.RawHttp.Response;
import io.rampart.testing.TestOrigin;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CommandLineTest {
    private final StringWriter out = new StringWriter();
    private final StringWriter err = new StringWriter();
    /** Each test's data directory (incidents, admin token), never the working directory. */
    @TempDir
    Path data;

    private String token() throws java.io.IOException {
        return java.nio.file.Files.readString(data.resolve("admin-token")).trim();
    }

    /** {@code METHOD path} on the admin listener with the token. */
    private Response admin(RawHttp admin, String method, String path) throws java.io.IOException {
        admin.send(method + " " + path + " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token() + "\r\nContent-Length: 0\r\n\r\n");
        return admin.read();
    }

    private int run(String... args) {
        return Main.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
    }

    @Test
    void helpAndVersion_workOnEveryCommand() {
        java.util.List<java.util.List<String>> commands = java.util.List.of(java.util.List.of(), java.util.List.of("run"),
                java.util.List.of("demo"), java.util.List.of("check-config"), java.util.List.of("incidents"), java.util.List.of("report"),
                java.util.List.of("seed-baseline"), java.util.List.of("config-schema"));
        for (java.util.List<String> command : commands) {
            for (String flag : new String[] {"--help", "-h"}) {
                out.getBuffer().setLength(0);
                java.util.List<String> args = new java.util.ArrayList<>(command);
                args.add(flag);
                assertThat(run(args.toArray(String[]::new))).as(args.toString()).isZero();
                assertThat(out.toString()).as(args.toString()).startsWith("Usage: rampart" + (command.isEmpty() ? "" : " " + String.join(" ", command)));
            }
            out.getBuffer().setLength(0);
            java.util.List<String> args = new java.util.ArrayList<>(command);
            args.add("--version");
            assertThat(run(args.toArray(String[]::new))).as(args.toString()).isZero();
            assertThat(out.toString()).as(args.toString()).containsPattern("rampart \\S+ \\(built [0-9T:Z-]+\\)").contains("Java ");
        }
    }

    @Test
    void anUnknownCommand_isNamed_withASuggestionOnlyWhenOneIsClose() {
        assertThat(run("chek-config", "x.yml")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown command 'chek-config'; did you mean 'check-config'?").doesNotContain("'help'?");
        err.getBuffer().setLength(0);
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(err.toString()).contains("unknown command 'frobnicate'").doesNotContain("did you mean").contains("The commands: run,");
        err.getBuffer().setLength(0);
        assertThat(run("lab", "list")).as("the gateway's jar has no lab").isEqualTo(2);
        assertThat(err.toString()).contains("the attack lab is not part of the gateway's jar");
        err.getBuffer().setLength(0);
        assertThat(run("demo", "--attack")).isEqualTo(2);
        assertThat(err.toString()).contains("the attack drill is part of the lab");
        err.getBuffer().setLength(0);
        assertThat(run("run", "--bogus")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown option: '--bogus'").contains("Usage: rampart run");
    }

    @Test
    void checkConfig_validFile_exits0WithSummary(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("rampart.yml");
        Files.writeString(f, """
                sites:
                  - name: www
                    hosts: [www.example.org]
                    upstreams: [http://127.0.0.1:8080]
                    routes:
                      - path: /login
                        limits: {perClient: {rate: 1, burst: 5}}
                """);
        assertThat(run("check-config", f.toString())).isZero();
        assertThat(out.toString()).contains("rampart.yml: OK").contains("www: www.example.org -> http://127.0.0.1:8080")
                .contains("route /login: 1/s per client (burst 5)")
                .contains("incidents: close after 5m of calm, kept 400d").contains("alerts: none");
    }

    @Test
    void checkConfig_typo_exits2WithPath(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.yml");
        Files.writeString(f, "sites:\n  - name: www\n    hosts: ['*']\n    upstreams: [http://127.0.0.1:8080]\n    limts: {}\n");
        assertThat(run("check-config", f.toString())).isEqualTo(2);
        assertThat(err.toString()).contains("bad.yml").contains("sites[0].limts").contains("did you mean 'limits'");
    }

    @Test
    void checkConfig_missingFile_exits2() {
        assertThat(run("check-config", "/nonexistent/rampart.yml")).isEqualTo(2);
        assertThat(err.toString()).contains("file not found");
    }

    @Test
    void run_badUpstream_exits2WithReason() {
        assertThat(run("run", "--upstream", "localhost:8080")).isEqualTo(2);
        assertThat(err.toString()).contains("sites[0].upstreams[0]").contains("expected a URL");
    }

    @Test
    void run_badListen_exits2() {
        assertThat(run("run", "--upstream", "http://127.0.0.1:1", "--listen", "nowhere")).isEqualTo(2);
        assertThat(err.toString()).contains("listeners[0].address");
    }

    @Test
    void run_needsExactlyOneSource() {
        assertThat(run("run")).isEqualTo(2);
        assertThat(err.toString()).contains("--config").contains("--upstream");
        assertThat(run("run", "--config", "a.yml", "--upstream", "http://127.0.0.1:1")).isEqualTo(2);
    }

    @Test
    void unknownCommandOrOption_exits2() {
        assertThat(run("frobnicate")).isEqualTo(2);
        assertThat(run("run", "--upstream", "http://127.0.0.1:1", "--wat")).isEqualTo(2);
        assertThat(err.toString()).contains("Unknown");
    }

    @Test
    void run_portInUse_exits1WithTheAddress() throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            int port = taken.getLocalPort();
            assertThat(run("run", "--upstream", "http://127.0.0.1:1", "--listen", "127.0.0.1:" + port, "--admin", "127.0.0.1:0", "--data-dir", data.toString()))
                    .isEqualTo(1);
            assertThat(err.toString()).contains("cannot listen on 127.0.0.1:" + port);
        }
    }

    /** {@code run --upstream} in front of {@code origin} for four seconds, once it says it is up. */
    private CompletableFuture<Integer> runFor4s(TestOrigin origin, int gwPort, int adminPort) {
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run("run", "--upstream", origin.url(),
                "--listen", "127.0.0.1:" + gwPort, "--admin", "127.0.0.1:" + adminPort, "--data-dir", data.toString(), "--exit-after", "4s"));
        await().atMost(Duration.ofSeconds(5)).until(() -> out.toString().contains("metrics:"));
        return exit;
    }

    @Test
    void run_proxiesAndServesMetricsAndHealth() throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            int gwPort = freePort();
            int adminPort = freePort();
            CompletableFuture<Integer> exit = runFor4s(origin, gwPort, adminPort);
            try (RawHttp c = new RawHttp(gwPort)) {
                assertThat(c.get("anything.example", "/echo").status()).isEqualTo(200);
            }
            try (RawHttp admin = new RawHttp(adminPort)) {
                Response metrics = admin.get("x", "/metrics");
                assertThat(metrics.status()).isEqualTo(200);
                assertThat(metrics.text()).contains("rampart_requests_total{site=\"default\",verdict=\"allow\"} 1.0")
                        .contains("rampart_upstream_latency_seconds_bucket").contains("rampart_limiter_entries");
                assertThat(admin.get("x", "/healthz").text()).contains("\"status\":\"ok\"");
                assertThat(admin.get("x", "/nope").status()).as("everything but metrics and health needs the token").isEqualTo(401);
                assertThat(admin(admin, "GET", "/nope").status()).isEqualTo(404);
                admin.send("POST /metrics HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n");
                assertThat(admin.read().status()).isEqualTo(405);
            }
            try (RawHttp garbage = new RawHttp(adminPort)) {
                garbage.send("\u0001\u0002garbage\r\n\r\n");
                assertThat(garbage.read().status()).isEqualTo(400);
            }
            assertThat(exit.get()).isZero();
        }
    }

    @Test
    void adminDetection_showsEachSite_andPinsTakeAStepOrAPreciseError() throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            int gwPort = freePort();
            int adminPort = freePort();
            CompletableFuture<Integer> exit = runFor4s(origin, gwPort, adminPort);
            try (RawHttp admin = new RawHttp(adminPort)) {
                assertThat(admin.get("x", "/detection").status()).isEqualTo(401);
                Response view = admin(admin, "GET", "/detection");
                assertThat(view.status()).isEqualTo(200);
                assertThat(view.header("content-type")).startsWith("application/json");
                assertThat(view.text()).contains("\"site\" : \"default\"").contains("\"state\" : \"normal\"")
                        .contains("\"pin\" : \"auto\"");
                Response pinned = admin(admin, "POST", "/detection/pin?site=default&step=challenge");
                assertThat(pinned.status()).isEqualTo(200);
                assertThat(pinned.text()).contains("\"pin\" : \"challenge\"");
                assertThat(admin(admin, "GET", "/detection").text()).contains("\"pin\" : \"challenge\"");
                Response bad = admin(admin, "POST", "/detection/pin?site=default&step=nuke");
                assertThat(bad.status()).isEqualTo(400);
                assertThat(bad.text()).contains("step: expected one of observe, limit, challenge, block, close, under-attack (or auto), got 'nuke'");
                assertThat(admin(admin, "POST", "/detection/pin?site=nope&step=auto").status()).isEqualTo(404);
                Response noSite = admin(admin, "POST", "/detection/pin?step=auto");
                assertThat(noSite.status()).isEqualTo(400);
                assertThat(noSite.text()).contains("expected one site=NAME");
                assertThat(admin(admin, "POST", "/detection/pin?site=default&step=auto").text()).contains("\"pin\" : \"auto\"");
                Response noRule = admin(admin, "POST", "/detection/shadow?rule=www-9&on=true");
                assertThat(noRule.status()).isEqualTo(404);
                assertThat(noRule.text()).contains("no automatic rule in force with id 'www-9'");
                Response badOn = admin(admin, "POST", "/detection/shadow?rule=www-9&on=maybe");
                assertThat(badOn.status()).isEqualTo(400);
                assertThat(badOn.text()).contains("expected on=true or on=false");
            }
            try (RawHttp c = new RawHttp(gwPort)) {
                assertThat(c.get("anything.example", "/echo").status()).as("the gateway serves on").isEqualTo(200);
            }
            assertThat(exit.get()).isZero();
        }
    }

    @Test
    void seedBaseline_learnsAnAccessLog_andRefusesBadInputWithExit2(@TempDir Path dir) throws Exception {
        Path conf = dir.resolve("rampart.yml");
        Files.writeString(conf, """
                detection: {stateDir: '%s'}
                sites:
                  - {name: www, hosts: ['*'], upstreams: ['http://127.0.0.1:8080']}
                """.formatted(dir.resolve("state")));
        Path log = dir.resolve("access.log");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < 300; i++) {
            sb.append("10.0.0.").append(i % 20 + 1).append(" - - [20/Nov/2026:18:00:").append(String.format("%02d", i / 10))
                    .append(" +0000] \"GET /page/").append(i).append(" HTTP/1.1\" 200 512 \"-\" \"Mozilla/5.0\"\n");
        }
        Files.writeString(log, sb);
        assertThat(run("seed-baseline", "--config", conf.toString(), "--log", log.toString(), "--site", "www")).isZero();
        assertThat(out.toString()).contains("300 lines, 300 requests learned").contains("site www: 59 ticks learned") // 0 s to 29 s in 500 ms ticks
                .contains("detection-state.json");
        assertThat(Files.exists(dir.resolve("state/detection-state.json"))).isTrue();

        assertThat(run("seed-baseline", "--config", conf.toString(), "--log", log.toString())).as("combined needs --site").isEqualTo(2);
        assertThat(err.toString()).contains("nothing learned");
        assertThat(run("seed-baseline", "--config", conf.toString(), "--log", dir.resolve("nope.log").toString())).isEqualTo(2);
        assertThat(err.toString()).contains("nope.log: file not found");
        assertThat(run("seed-baseline", "--config", conf.toString(), "--log", log.toString(), "--site", "www", "--zone", "Mars/Olympus"))
                .isEqualTo(2);
        assertThat(err.toString()).contains("--zone: not a time zone: 'Mars/Olympus'");
        assertThat(run("seed-baseline", "--config", conf.toString(), "--log", log.toString(), "--site", "shop")).isEqualTo(2);
        assertThat(err.toString()).contains("no site named 'shop'");
    }

    @Test
    void demo_printsItsUrlsAndProxiesTheDemoOrigin() throws Exception {
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run("demo", "--listen", "127.0.0.1:0",
                "--origin", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--data-dir", data.toString(), "--exit-after", "3s"));
        await().atMost(Duration.ofSeconds(5)).until(() -> out.toString().contains("Ctrl-C"));
        Matcher m = Pattern.compile("gateway:\\s+http://127.0.0.1:(\\d+)/").matcher(out.toString());
        assertThat(m.find()).isTrue();
        try (RawHttp c = new RawHttp(Integer.parseInt(m.group(1)))) {
            Response r = c.get("localhost", "/");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).contains("Demo campaign site");
            assertThat(r.header("via")).isEqualTo("1.1 rampart");
        }
        assertThat(exit.get()).isZero();
    }

    @Test
    void runUnderAttack_challengesUnknownClients_butNotFeedsOrApis() throws Exception {
        try (TestOrigin origin = new TestOrigin()) {
            int gwPort = freePort();
            CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run("run", "--upstream", origin.url(),
                    "--listen", "127.0.0.1:" + gwPort, "--admin", "127.0.0.1:0", "--data-dir", data.toString(), "--under-attack", "--exit-after", "3s"));
            await().atMost(Duration.ofSeconds(5)).until(() -> out.toString().contains("metrics:"));
            assertThat(out.toString()).contains("under attack: every unknown client is challenged");
            try (RawHttp c = new RawHttp(gwPort)) {
                Response page = c.get("www.example.org", "/echo");
                assertThat(page.status()).isEqualTo(403);
                assertThat(page.header("x-rampart-challenge")).isEqualTo("pow");
                assertThat(c.get("www.example.org", "/api/echo").header("x-rampart-challenge")).isNull();
            }
            assertThat(exit.get()).isZero();
        }
    }

    @Test
    void demoUnderAttack_showsTheChallengePage() throws Exception {
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run("demo", "--listen", "127.0.0.1:0",
                "--origin", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--data-dir", data.toString(), "--under-attack", "--exit-after", "3s"));
        await().atMost(Duration.ofSeconds(5)).until(() -> out.toString().contains("Ctrl-C"));
        Matcher m = Pattern.compile("gateway:\\s+http://127.0.0.1:(\\d+)/").matcher(out.toString());
        assertThat(m.find()).isTrue();
        try (RawHttp c = new RawHttp(Integer.parseInt(m.group(1)))) {
            Response r = c.get("localhost", "/");
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.text()).contains("Checking your browser");
        }
        assertThat(exit.get()).isZero();
    }

    @Test
    void demoCluster_startsAStoreAndNodesThatShareWhatOneDecides() throws Exception {
        assertThat(run("demo", "--cluster", "1")).isEqualTo(2);
        assertThat(err.toString()).contains("--cluster: expected 2 to 9 nodes, got 1");
        CompletableFuture<Integer> exit = CompletableFuture.supplyAsync(() -> run("demo", "--cluster", "2", "--listen", "127.0.0.1:0",
                "--origin", "127.0.0.1:0", "--admin", "127.0.0.1:0", "--data-dir", data.toString(), "--exit-after", "10s"));
        await().atMost(Duration.ofSeconds(20)).until(() -> out.toString().contains("Ctrl-C"));
        String text = out.toString();
        assertThat(text).contains("a cluster of 2 nodes through redis://127.0.0.1:", "node-a:", "node-b:");
        Matcher gw = Pattern.compile("gateway:\\s+http://127.0.0.1:(\\d+)/").matcher(text);
        Matcher admin = Pattern.compile("admin API: http://127.0.0.1:(\\d+)/").matcher(text);
        int[] gateways = new int[2];
        int[] admins = new int[2];
        for (int i = 0; i < 2; i++) {
            assertThat(gw.find() && admin.find()).isTrue();
            gateways[i] = Integer.parseInt(gw.group(1));
            admins[i] = Integer.parseInt(admin.group(1));
        }
        String token = java.nio.file.Files.readString(data.resolve("node-a/admin-token")).trim();
        java.net.http.HttpClient http = java.net.http.HttpClient.newHttpClient();
        java.net.http.HttpResponse<String> added = http.send(java.net.http.HttpRequest.newBuilder(
                        java.net.URI.create("http://127.0.0.1:" + admins[0] + "/api/lists/deny"))
                .header("Authorization", "Bearer " + token)
                .POST(java.net.http.HttpRequest.BodyPublishers.ofString("{\"cidr\":\"127.0.52.0/24\"}")).build(),
                java.net.http.HttpResponse.BodyHandlers.ofString());
        assertThat(added.statusCode()).isEqualTo(201);
        await().atMost(Duration.ofSeconds(5)).until(() -> RawHttp.turnedAway("127.0.52.1", gateways[1], 2000));
        String tokenB = java.nio.file.Files.readString(data.resolve("node-b/admin-token")).trim();
        String cluster = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + admins[1] + "/api/cluster"))
                .header("Authorization", "Bearer " + tokenB).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(cluster).contains("\"storeUp\" : true", "\"name\" : \"node-a\"", "\"name\" : \"node-b\"", "\"seesStore\" : true",
                "127.0.0.1:" + gateways[0], "127.0.0.1:" + gateways[1]);
        String status = http.send(java.net.http.HttpRequest.newBuilder(java.net.URI.create("http://127.0.0.1:" + admins[1] + "/api/status"))
                .header("Authorization", "Bearer " + tokenB).build(), java.net.http.HttpResponse.BodyHandlers.ofString()).body();
        assertThat(status).as("the dashboard's cluster panel reads it here").contains("\"node\" : \"node-b\"", "\"cluster\" : {");
        assertThat(exit.get()).isZero();
    }

    @Test
    void reportWithAClusterConfiguration_mergesTheOtherNodesPartsFromTheStore() throws Exception {
        io.rampart.incident.IncidentRecord mine = io.rampart.incident.Samples.closed("campaign-20261120-190001", false);
        io.rampart.incident.IncidentRecord theirs = new io.rampart.incident.IncidentRecord(mine.id(), mine.site(), mine.status(),
                mine.openedAt(), mine.openedBy(), mine.attackStartedAt(), mine.mitigatedAt(), mine.closedAt(), mine.closedBy(), "gw-b",
                mine.vectors(), mine.profile(), mine.mitigation(), mine.impact(), mine.egress(), mine.rules(), mine.timeline(),
                mine.timelineDropped());
        try (io.rampart.incident.SqliteIncidentStore local = io.rampart.incident.SqliteIncidentStore.open(data)) {
            local.save(mine);
        }
        try (io.rampart.server.demo.DemoRedis redis = io.rampart.server.demo.DemoRedis.start(new PrintWriter(new StringWriter()))) {
            io.lettuce.core.RedisClient client = io.lettuce.core.RedisClient.create(redis.url());
            try (var c = client.connect()) {
                c.sync().hset("rampart:rampart:incident:" + mine.id(), "gw-b", io.rampart.incident.IncidentJson.MAPPER.writeValueAsString(theirs));
            } finally {
                client.shutdown();
            }
            Path conf = data.resolve("rampart.yml");
            Files.writeString(conf, "dataDir: " + data + "\ncluster: {store: '" + redis.url() + "', node: gw-a}\n"
                    + "sites:\n  - {name: campaign, hosts: ['*'], upstreams: ['http://127.0.0.1:9']}\n");
            assertThat(run("report", mine.id(), "--config", conf.toString(), "--format", "json")).isZero();
            assertThat(out.toString()).contains("\"node\" : \"" + mine.node() + ", gw-b\"")
                    .contains("\"refused\" : " + 2 * mine.mitigation().refused());
        }
        Path down = data.resolve("down.yml");
        Files.writeString(down, "dataDir: " + data + "\ncluster: {store: 'redis://127.0.0.1:1/0', node: gw-a}\n"
                + "sites:\n  - {name: campaign, hosts: ['*'], upstreams: ['http://127.0.0.1:9']}\n");
        assertThat(run("report", mine.id(), "--config", down.toString(), "--format", "md")).as("the store away: this node's part").isZero();
        assertThat(err.toString()).contains("cluster store redis://127.0.0.1:1/0", "the report has this node's part only");
    }

    static int freePort() throws Exception {
        try (ServerSocket s = new ServerSocket(0)) {
            return s.getLocalPort();
        }
    }
}

package io.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.rampart.testing.Netns;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kernel push-down with real packets through a real kernel: the gateway runs as a process in a
 * network namespace of its own (with a real origin beside it), clients in another, joined by a
 * veth pair; the gateway's {@code firewall} writes its nftables table in its namespace. Each test
 * starts its own gateway; the table outlives each one, as it would a restart.
 */
class FirewallNetnsTest {
    private static final String GATEWAY = "http://" + Netns.GATEWAY + ":8000/";
    private static final String ADMIN = "http://" + Netns.GATEWAY + ":9090";
    private static Netns ns;
    private static Process origin;
    @TempDir
    static Path dir;

    @BeforeAll
    static void namespaces() throws Exception {
        String why = Netns.whyNot();
        assumeTrue(why == null, "cannot run: " + why);
        ns = Netns.pair("fw");
        Files.writeString(dir.resolve("index.html"), "hello from the origin\n");
        origin = new ProcessBuilder(ns.inGateway("python3", "-m", "http.server", "8080", "--bind", "127.0.0.1",
                "--directory", dir.toString())).redirectErrorStream(true).redirectOutput(dir.resolve("origin.log").toFile()).start();
        await().atMost(Duration.ofSeconds(20)).until(() -> Netns.output(ns.inGateway("curl", "-s", "http://127.0.0.1:8080/"))
                .contains("hello"));
    }

    @AfterAll
    static void stop() throws Exception {
        if (origin != null) {
            origin.destroy();
            origin.waitFor(5, TimeUnit.SECONDS);
        }
        if (ns != null) {
            ns.close();
        }
    }

    /** The gateway in its namespace with {@code firewall} settings and top-level extras in YAML. */
    private static GatewayProcess gateway(String firewall, String extra, Map<String, String> env) throws Exception {
        Path data = Files.createDirectories(dir.resolve("data"));
        Files.deleteIfExists(data.resolve("lists.json")); // no test inherits another's run-time allow and deny entries
        Path config = dir.resolve("rampart.yml");
        Files.writeString(config, String.join("\n",
                "listeners: [{address: \"" + Netns.GATEWAY + ":8000\"}, {address: \"[" + Netns.GATEWAY6 + "]:8000\"}]",
                "admin: {address: \"" + Netns.GATEWAY + ":9090\"}",
                "dataDir: " + data,
                "accessLog: {path: off}",
                "detection: {closeHold: 0s}",
                "firewall: {enabled: true" + (firewall.isEmpty() ? "" : ", " + firewall) + "}",
                extra,
                "sites:",
                "  - name: www",
                "    hosts: [\"*\"]",
                "    upstreams: [\"http://127.0.0.1:8080\"]", ""));
        GatewayProcess g = new GatewayProcess(env, ns.inGateway(), "run", "--config", config.toString());
        g.awaitLine("firewall:", "made at the");
        return g;
    }

    private static String token() throws Exception {
        return Files.readString(dir.resolve("data").resolve("admin-token")).trim();
    }

    private static String api(String method, String path, String body) throws Exception {
        List<String> args = new ArrayList<>(List.of("--interface", Netns.CLIENT, "-X", method, "-H", "Authorization: Bearer " + token()));
        if (body != null) {
            args.addAll(List.of("-H", "Content-Type: application/json", "-d", body));
        }
        args.add(ADMIN + path);
        return ns.curl(args.toArray(new String[0]));
    }

    private static double metric(String name, String labels) throws Exception {
        String text = ns.curl("--interface", Netns.CLIENT, ADMIN + "/metrics");
        double sum = 0;
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(name) + "(\\{[^}]*\\})? (\\S+)$").matcher(text);
        while (m.find()) {
            if (labels == null || (m.group(1) != null && m.group(1).contains(labels))) {
                sum += Double.parseDouble(m.group(2));
            }
        }
        return sum;
    }

    private static String nft(String... args) throws Exception {
        List<String> cmd = new ArrayList<>(List.of("nft"));
        cmd.addAll(List.of(args));
        return Netns.output(ns.inGateway(cmd.toArray(new String[0])));
    }

    @Test
    void aDeniedSourceNeverReachesASocketWhileABystanderIsServed() throws Exception {
        String denied = ns.addClient("10.203.3.1");
        String bystander = ns.addClient("10.203.3.2");
        try (GatewayProcess g = gateway("", "deny: [\"" + denied + "\"]", Map.of())) {
            assertThat(ns.get(bystander, GATEWAY, 2000)).isEqualTo("200");
            double gatewaySaw = metric("rampart_connections_rejected_total", null) + metric("rampart_requests_total", null);
            double kernelBefore = metric("rampart_firewall_dropped_packets_total", "set=\"addr4\"");
            for (int i = 0; i < 3; i++) {
                assertThat(ns.get(denied, GATEWAY, 500)).isEqualTo("000");
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> metric("rampart_firewall_dropped_packets_total", "set=\"addr4\"") >= kernelBefore + 3);
            assertThat(metric("rampart_connections_rejected_total", null) + metric("rampart_requests_total", null))
                    .as("the gateway's own counters: the denied SYNs never reached a socket").isEqualTo(gatewaySaw);
            assertThat(ns.get(bystander, GATEWAY, 2000)).isEqualTo("200");
            assertThat(api("GET", "/api/firewall", null)).contains("\"entry\" : \"" + denied + "\"", "\"kind\" : \"deny-list\"",
                    "nftables via libnftables, counters over netlink");
            await().atMost(Duration.ofSeconds(5)).until(() -> api("GET", "/api/status", null)
                    .matches("(?s).*\"droppedInKernelPerSecond\" : \\[[^\\]]*[1-9][^\\]]*\\].*")); // the dashboard's series
        }
    }

    @Test
    void anOperatorsDenyIsInTheKernelWithinASecondAndLeavesWithinASecond() throws Exception {
        String target = ns.addClient("10.203.4.1");
        try (GatewayProcess g = gateway("", "", Map.of())) {
            assertThat(ns.get(target, GATEWAY, 2000)).isEqualTo("200");
            assertThat(api("POST", "/api/lists/deny", "{\"cidr\": \"10.203.4.0/24\", \"note\": \"test\"}")).contains("10.203.4.0/24");
            long added = System.nanoTime();
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                    .until(() -> nft("list", "set", "inet", "rampart", "net4").contains("10.203.4.0/24"));
            assertThat(System.nanoTime() - added).isLessThan(TimeUnit.SECONDS.toNanos(1));
            assertThat(ns.get(target, GATEWAY, 500)).isEqualTo("000");
            api("DELETE", "/api/lists/deny?cidr=10.203.4.0/24", null);
            long removed = System.nanoTime();
            await().atMost(Duration.ofSeconds(1)).pollInterval(Duration.ofMillis(20))
                    .until(() -> !nft("list", "set", "inet", "rampart", "net4").contains("10.203.4.0/24"));
            assertThat(System.nanoTime() - removed).isLessThan(TimeUnit.SECONDS.toNanos(1));
            assertThat(ns.get(target, GATEWAY, 2000)).isEqualTo("200");
        }
    }

    @Test
    void anOpenIncidentNotesWhatTheKernelDroppedAndCountsIt() throws Exception {
        String target = ns.addClient("10.203.14.1");
        try (GatewayProcess g = gateway("", "", Map.of())) {
            String opened = api("POST", "/api/incidents", "{\"site\": \"www\", \"note\": \"ISP reports a flood\"}");
            Matcher id = Pattern.compile("\"id\" : \"([^\"]+)\"").matcher(opened);
            assertThat(id.find()).as(opened).isTrue();
            api("POST", "/api/lists/deny", "{\"cidr\": \"" + target + "\"}");
            await().atMost(Duration.ofSeconds(2)).until(() -> nft("list", "set", "inet", "rampart", "addr4").contains(target));
            for (int i = 0; i < 3; i++) {
                assertThat(ns.get(target, GATEWAY, 300)).isEqualTo("000");
            }
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(api("GET", "/api/incidents/" + id.group(1), null))
                    .contains("1 source dropped in the kernel (deny list)")
                    .containsPattern("\"packetsDroppedInKernel\" : [1-9]"));
            assertThat(api("GET", "/api/incidents/" + id.group(1) + "/report?format=md", null))
                    .containsPattern("Packets of judged sources dropped in the kernel: [1-9]");
        }
    }

    @Test
    void ipv6SourcesAndPrefixesAreDroppedToo() throws Exception {
        String denied = ns.addClient("fd00:203::10");
        String inPrefix = ns.addClient("fd00:203::105");
        String bystander = ns.addClient("fd00:203::11");
        String url = "http://[" + Netns.GATEWAY6 + "]:8000/";
        try (GatewayProcess g = gateway("", "deny: [\"" + denied + "\", \"fd00:203::100/120\"]", Map.of())) {
            assertThat(nft("list", "set", "inet", "rampart", "addr6")).contains(denied);
            assertThat(nft("list", "set", "inet", "rampart", "net6")).contains("fd00:203::100/120");
            assertThat(ns.get(bystander, url, 2000)).isEqualTo("200");
            assertThat(ns.get(denied, url, 500)).isEqualTo("000");
            assertThat(ns.get(inPrefix, url, 500)).isEqualTo("000");
            await().atMost(Duration.ofSeconds(5)).until(() -> metric("rampart_firewall_dropped_packets_total", "set=\"addr6\"") >= 1
                    && metric("rampart_firewall_dropped_packets_total", "set=\"net6\"") >= 1);
        }
    }

    @Test
    void whenTheSetsAreFullTheRestIsStillRefusedInUserSpace() throws Exception {
        StringBuilder deny = new StringBuilder("deny: [");
        for (int i = 0; i < 40; i++) { // forty /24s, one address each: nothing to fold
            deny.append(i == 0 ? "" : ", ").append("\"10.203.").append(100 + i).append(".9\"");
        }
        String inKernel = "10.203.99.9";
        deny.append(", \"").append(inKernel).append("\"]");
        String leftOut = ns.addClient("10.203.139.9"); // the plan keeps 16 of the 41 (ties: the lowest addresses)
        ns.addClient(inKernel);
        try (GatewayProcess g = gateway("maxEntries: 16", deny.toString(), Map.of())) {
            String firewall = api("GET", "/api/firewall", null);
            assertThat(firewall).contains("\"elements\" : 16", "\"leftOut\" : 25");
            String kernelSet = nft("list", "set", "inet", "rampart", "addr4");
            String outside = kernelSet.contains(leftOut) ? inKernel : leftOut;
            String inside = kernelSet.contains(leftOut) ? leftOut : inKernel;
            assertThat(kernelSet).contains(inside).doesNotContain(outside);
            double refusedBefore = metric("rampart_connections_rejected_total", "reason=\"deny_list\"");
            assertThat(ns.get(outside, GATEWAY, 1000)).as("left out of the kernel: closed at accept").isEqualTo("000");
            await().atMost(Duration.ofSeconds(5)).until(() -> metric("rampart_connections_rejected_total", "reason=\"deny_list\"") > refusedBefore);
            double refusedNow = metric("rampart_connections_rejected_total", "reason=\"deny_list\"");
            assertThat(ns.get(inside, GATEWAY, 500)).as("in the kernel: dropped").isEqualTo("000");
            assertThat(metric("rampart_connections_rejected_total", "reason=\"deny_list\"")).isEqualTo(refusedNow);
            assertThat(metric("rampart_firewall_left_out", null)).isEqualTo(25);
        }
    }

    @Test
    void theAllowListWinsOverADenyAroundIt() throws Exception {
        String allowed = ns.addClient("10.203.5.5");
        String other = ns.addClient("10.203.5.6");
        try (GatewayProcess g = gateway("", "allow: [\"" + allowed + "\"]\ndeny: [\"10.203.5.0/24\"]", Map.of())) {
            assertThat(nft("list", "set", "inet", "rampart", "allow4")).contains(allowed);
            assertThat(nft("list", "set", "inet", "rampart", "addr4")).doesNotContain(allowed);
            assertThat(ns.get(allowed, GATEWAY, 2000)).isEqualTo("200");
            assertThat(ns.get(other, GATEWAY, 500)).isEqualTo("000");
            // an operator's deny of the allowed address itself never lands in a drop set
            api("POST", "/api/lists/deny", "{\"cidr\": \"" + allowed + "\"}");
            await().during(Duration.ofMillis(500)).atMost(Duration.ofSeconds(2))
                    .until(() -> !nft("list", "set", "inet", "rampart", "addr4").contains(allowed));
            assertThat(ns.get(allowed, GATEWAY, 2000)).isEqualTo("200");
        }
    }

    @Test
    void aClientThatKeepsEarningCloseIsDroppedInTheKernelAndOthersAreNot() throws Exception {
        String bot = ns.addClient("10.203.6.1");
        String person = ns.addClient("10.203.6.2");
        try (GatewayProcess g = gateway("closesBeforeDrop: 3", "", Map.of())) {
            assertThat(api("POST", "/api/rules", "{\"site\": \"www\", \"step\": \"close\", \"match\": {\"path\": \"/wp-login.php\"}}"))
                    .contains("\"id\"");
            for (int i = 0; i < 3; i++) {
                assertThat(ns.get(bot, GATEWAY + "wp-login.php", 2000)).isEqualTo("000"); // closed unanswered, in user space
            }
            await().atMost(Duration.ofSeconds(2)).until(() -> nft("list", "set", "inet", "rampart", "addr4").contains(bot));
            assertThat(ns.get(bot, GATEWAY, 500)).as("now dropped for every path").isEqualTo("000");
            assertThat(ns.get(person, GATEWAY, 2000)).isEqualTo("200");
            assertThat(api("GET", "/api/firewall", null)).contains("\"kind\" : \"offender\"", "closed 3 times");
        }
    }

    @Test
    void anElementEndsWithItsDecision() throws Exception {
        String target = ns.addClient("10.203.7.1");
        try (GatewayProcess g = gateway("", "", Map.of())) {
            assertThat(api("POST", "/api/rules", "{\"site\": \"www\", \"step\": \"block\", \"match\": {\"address\": \"" + target
                    + "\"}, \"ttl\": \"3s\"}")).contains("\"id\"");
            await().atMost(Duration.ofSeconds(2)).until(() -> nft("list", "set", "inet", "rampart", "addr4").contains(target));
            assertThat(nft("list", "set", "inet", "rampart", "addr4")).containsPattern(Pattern.quote(target) + " timeout [1-3]s");
            assertThat(ns.get(target, GATEWAY, 500)).isEqualTo("000");
            await().atMost(Duration.ofSeconds(10)).until(() -> ns.get(target, GATEWAY, 500).equals("200"));
            assertThat(nft("list", "set", "inet", "rampart", "addr4")).doesNotContain(target);
        }
    }

    @Test
    void aRestartReadsTheTableBackAndRemovesStrays() throws Exception {
        String denied = ns.addClient("10.203.8.1");
        try (GatewayProcess g = gateway("", "deny: [\"" + denied + "\"]", Map.of())) {
            assertThat(nft("list", "set", "inet", "rampart", "addr4")).contains(denied);
        }
        nft("add", "element", "inet", "rampart", "addr4", "{ 10.203.8.99 timeout 1h }");
        try (GatewayProcess g = gateway("", "deny: [\"" + denied + "\"]", Map.of())) {
            g.awaitLine("1 kept from a previous run", "strays removed"); // the stray, and what earlier tests left
            assertThat(nft("list", "set", "inet", "rampart", "addr4")).contains(denied).doesNotContain("10.203.8.99");
        }
    }

    @Test
    void aTableRemovedBySomeoneElseIsMadeAgainAndRefusalsGoOnMeanwhile() throws Exception {
        String denied = ns.addClient("10.203.9.1");
        try (GatewayProcess g = gateway("", "deny: [\"" + denied + "\"]", Map.of())) {
            nft("delete", "table", "inet", "rampart");
            assertThat(ns.get(denied, GATEWAY, 2000)).as("refused in user space meanwhile").isEqualTo("000");
            await().atMost(Duration.ofSeconds(10)).until(() -> nft("list", "set", "inet", "rampart", "addr4").contains(denied));
            g.awaitLine("changed or removed by someone else");
            assertThat(metric("rampart_firewall_errors_total", null)).isGreaterThanOrEqualTo(1);
        }
    }

    @Test
    void theIngressHookDropsBeforeEverythingElse() throws Exception {
        String denied = ns.addClient("10.203.10.1");
        String bystander = ns.addClient("10.203.10.2");
        nft("add", "table", "inet", "rampart");
        nft("delete", "table", "inet", "rampart");
        try (GatewayProcess g = gateway("hook: ingress, interfaces: [" + ns.gatewayInterface() + "], table: rampart_ingress",
                "deny: [\"" + denied + "\"]", Map.of())) {
            assertThat(nft("list", "table", "netdev", "rampart_ingress")).contains("hook ingress", denied);
            assertThat(ns.get(denied, GATEWAY, 500)).isEqualTo("000");
            assertThat(ns.get(bystander, GATEWAY, 2000)).isEqualTo("200");
            await().atMost(Duration.ofSeconds(5)).until(() -> metric("rampart_firewall_dropped_packets_total", "set=\"addr4\"") >= 1);
        }
        nft("delete", "table", "netdev", "rampart_ingress");
    }

    /** Opens N connections from one address (each given 0.3 s) and keeps them open; prints how many were made. */
    private static final String CONNECT = String.join("\n",
            "import socket, sys",
            "src, host, port, n, keep = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4]), sys.argv[5] == 'keep'",
            "ok, held = 0, []",
            "for i in range(n):",
            "    s = socket.socket(); s.bind((src, 0)); s.settimeout(0.3)",
            "    try:",
            "        s.connect((host, port)); ok += 1",
            "        held.append(s) if keep else s.close()",
            "    except OSError:",
            "        s.close()",
            "print(ok)");

    private static int connections(String from, int n, boolean keep) throws Exception {
        return Integer.parseInt(Netns.output(ns.inClients("python3", "-c", CONNECT, from, Netns.GATEWAY, "8000", Integer.toString(n),
                keep ? "keep" : "close")).trim());
    }

    @Test
    void theL4GuardsHoldConnectionsPerAddressAndSynsPerNetworkInTheKernel() throws Exception {
        String holder = ns.addClient("10.203.12.1");
        String churner = ns.addClient("10.203.13.1");
        try (GatewayProcess g = gateway("connectionsPerSource: 4, synRatePerNetwork: 5", "", Map.of())) {
            assertThat(connections(holder, 8, true)).as("ct count: four at once from one address").isEqualTo(4);
            await().atMost(Duration.ofSeconds(5)).until(() -> metric("rampart_firewall_dropped_packets_total", "set=\"conn\"") >= 4);
            int made = connections(churner, 40, false);
            assertThat(made).as("SYNs per /24 past 5/s (burst 10)").isLessThan(40).isGreaterThanOrEqualTo(10);
            await().atMost(Duration.ofSeconds(5)).until(() -> metric("rampart_firewall_dropped_packets_total", "set=\"syn\"") >= 1);
        }
    }

    @Test
    void theNftProgramServesWhenAskedInsteadOfLibnftables() throws Exception {
        String denied = ns.addClient("10.203.11.1");
        try (GatewayProcess g = gateway("", "deny: [\"" + denied + "\"]", Map.of("RAMPART_NFT", "program"))) {
            assertThat(api("GET", "/api/firewall", null)).contains("nftables via nft -f -");
            assertThat(ns.get(denied, GATEWAY, 500)).isEqualTo("000");
        }
    }

    @Test
    void withoutCapNetAdminTheGatewayRefusesToStartAndSaysWhy() throws Exception {
        Path config = dir.resolve("nocap.yml");
        Files.writeString(config, "listeners: [{address: \"" + Netns.GATEWAY + ":8001\"}]\nadmin: {enabled: false}\nfirewall: {enabled: true}\n"
                + "sites: [{name: www, hosts: [\"*\"], upstreams: [\"http://127.0.0.1:8080\"]}]\n");
        List<String> cmd = ns.inGateway("capsh", "--drop=cap_net_admin", "--", "-c",
                "exec \"$0\" -cp \"$1\" io.rampart.server.Main run --config \"$2\"",
                Path.of(System.getProperty("java.home"), "bin", "java").toString(), System.getProperty("java.class.path"), config.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isNotZero();
        assertThat(out).contains("CAP_NET_ADMIN", "firewall.enabled: false", "firewall.conf");
        assertThat(out).doesNotContain("Exception");
    }
}

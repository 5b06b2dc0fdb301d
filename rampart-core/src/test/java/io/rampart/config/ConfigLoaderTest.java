package io.rampart.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
    private final ConfigLoader loader = new ConfigLoader();

    private static final String VALID = """
            listeners:
              - address: 127.0.0.1:8000
              - address: '[::1]:8000'
                proxyProtocol: true
            trustedProxies: [10.0.0.0/8]
            allow: [192.0.2.0/24]
            deny: ['2001:db8::/32']
            limits:
              perClient: {rate: 20, burst: 40}
            timeouts:
              requestHead: 5s
              minBodyRate: 2KB
            sites:
              - name: www
                hosts: [www.example.org, '*.example.org']
                upstreams: [http://127.0.0.1:8080, 'http://[::1]:8081']
                limits:
                  perPrefix: {rate: 100}
                routes:
                  - path: /login
                    limits:
                      perClient: {rate: 1, burst: 5}
                      action: tarpit
            """;

    private ConfigException errorsOf(String yaml) {
        try {
            loader.parse(yaml, "rampart.yml");
        } catch (ConfigException e) {
            return e;
        }
        throw new AssertionError("expected the configuration to be refused");
    }

    @Test
    void validConfig_isReadWithDefaultsFilledIn() throws Exception {
        RampartConfig c = loader.parse(VALID, "rampart.yml");
        assertThat(c.listeners()).hasSize(2);
        assertThat(c.listeners().get(1).proxyProtocol()).isTrue();
        assertThat(c.timeouts().requestHead()).isEqualTo(Duration.ofSeconds(5));
        assertThat(c.timeouts().keepAliveIdle()).isEqualTo(Duration.ofSeconds(30));
        assertThat(c.timeouts().minBodyRate().bytes()).isEqualTo(2048);
        assertThat(c.limits().perClient().rate()).isEqualTo(20.0);
        assertThat(c.limits().perPrefix()).isEqualTo(LimitsConfig.DEFAULT.perPrefix());
        LimitsConfig site = c.sites().get(0).limits().inherit(c.limits());
        assertThat(site.perPrefix().burst()).isEqualTo(200);
        assertThat(site.perClient().rate()).isEqualTo(20.0);
        assertThat(c.sites().get(0).routes().get(0).limits().action()).isEqualTo(LimitAction.TARPIT);
    }

    @Test
    void aFileWithManyMistakes_getsEveryOneOfThemInOnePass_inTheOperatorsWords() {
        ConfigException e = errorsOf("""
                listen: 127.0.0.1:8000
                limts: {}
                connections:
                  perClient: many
                  total: -5
                admission:
                  enabled: maybe
                timeouts:
                  requestHead: soon
                  minBodyRate: 5 parsecs
                sites:
                  - name: a
                    hosts: '*'
                    upstreams: http://127.0.0.1:9000
                    routes: {path: /login}
                  - name: b
                    hosts: [b.example, [nested]]
                    upstreams: [http://127.0.0.1:9000]
                    limits: {perClient: {rate: fast}}
                """);
        assertThat(e.errors()).extracting(ConfigError::path).containsExactlyInAnyOrder(
                "listen", "limts", "connections.perClient", "connections.total", "admission.enabled", "timeouts.requestHead",
                "timeouts.minBodyRate", "sites[0].routes[0].limits", "sites[1].hosts[1]", "sites[1].limits.perClient.rate");
        assertThat(e.errors()).allSatisfy(err -> assertThat(err.message()).containsPattern("\\(line \\d+\\)")
                .doesNotContain("java.").doesNotContain("Creator").doesNotContain("instance of").doesNotContain("a valid a"));
        assertThat(e.errors()).extracting(ConfigError::message).anySatisfy(m -> assertThat(m).contains("did you mean 'listeners'"))
                .anySatisfy(m -> assertThat(m).isEqualTo("expected a whole number, got 'many' (line 4)"))
                .anySatisfy(m -> assertThat(m).isEqualTo("expected true or false, got 'maybe' (line 7)"))
                .anySatisfy(m -> assertThat(m).contains("16KB, 10MB").contains("got '5 parsecs'"));
        assertThat(e.getMessage()).startsWith("rampart.yml: 10 errors");
    }

    @Test
    void aFirewallSectionThatCannotWork_isRefusedWithEveryReason() {
        ConfigException e = errorsOf("""
                firewall:
                  enabled: true
                  backend: iptables
                  table: "rampart; flush ruleset"
                  hook: ingress
                  connectionsPerSource: 10
                  maxEntries: 3
                  permanentTimeout: 5s
                sites:
                  - {name: www, hosts: ['*'], upstreams: [http://127.0.0.1:8080]}
                """);
        assertThat(e.errors()).extracting(ConfigError::path).containsExactlyInAnyOrder("firewall.backend", "firewall.table",
                "firewall.interfaces", "firewall.connectionsPerSource", "firewall.maxEntries", "firewall.permanentTimeout");
        assertThat(e.getMessage()).contains("expected nftables", "letters, digits and _", "list at least one (eth0)",
                "connection tracking", "16 to 10000000", "1m to 1d");
    }

    @Test
    void aClusterSectionThatCannotWork_isRefusedWithEveryReason() {
        ConfigException e = errorsOf("""
                cluster:
                  store: "http://127.0.0.1:6379"
                  node: "gw a; rm -rf"
                  name: ""
                  passwordEnv: "1 not a variable"
                  syncInterval: 1ms
                  maxSyncKeys: 3
                  timeout: 1h
                sites:
                  - {name: www, hosts: ['*'], upstreams: [http://127.0.0.1:8080]}
                """);
        assertThat(e.errors()).extracting(ConfigError::path).containsExactlyInAnyOrder("cluster.store", "cluster.node", "cluster.name",
                "cluster.passwordEnv", "cluster.syncInterval", "cluster.maxSyncKeys", "cluster.timeout");
        assertThat(e.getMessage()).contains("expected redis://HOST:PORT/DB", "expected a node name", "the name of an environment variable");
        assertThat(errorsOf("cluster: {node: gw-a}\nsites:\n  - {name: www, hosts: ['*'], upstreams: [http://127.0.0.1:8080]}\n")
                .errors()).singleElement().satisfies(err -> assertThat(err.path()).isEqualTo("cluster.store"));
    }

    @Test
    void aClusterIsOffUnlessAStoreIsNamed_andItsStoreFormsAreAccepted() throws Exception {
        String site = "sites:\n  - {name: a, hosts: ['*'], upstreams: [http://127.0.0.1:9000]}\n";
        assertThat(loader.parse(site, "rampart.yml").cluster().enabled()).isFalse();
        for (String store : new String[] {"redis://127.0.0.1:6379/0", "rediss://rampart:pw@redis.example.org:6380/2",
                "redis-sentinel://10.0.0.1:26379,10.0.0.2:26379/0#mymaster", "redis://[::1]:6379"}) {
            RampartConfig c = ConfigLoader.validated(loader.parse("cluster: {store: '" + store + "', node: gw-a}\n" + site, "rampart.yml"),
                    "rampart.yml");
            assertThat(c.cluster().store()).isEqualTo(store);
            assertThat(c.cluster().syncInterval()).isEqualTo(java.time.Duration.ofMillis(100));
        }
    }

    @Test
    void anUnquotedOffTurnsTheAccessLogOff_notIntoAFileNamedFalse() throws Exception {
        RampartConfig c = loader.parse("accessLog: {path: off}\nsites:\n  - {name: a, hosts: ['*'], upstreams: [http://127.0.0.1:9000]}\n",
                "rampart.yml");
        assertThat(c.accessLog().path()).isEqualTo("off");
    }

    @Test
    void theFirewallIsOffUnlessAsked() throws Exception {
        RampartConfig c = loader.parse("sites:\n  - {name: a, hosts: ['*'], upstreams: [http://127.0.0.1:9000]}\n", "rampart.yml");
        assertThat(c.firewall().enabled()).isFalse();
        assertThat(c.firewall().hook()).isEqualTo("prerouting");
        assertThat(c.firewall().maxEntries()).isEqualTo(200_000);
        RampartConfig on = loader.parse("firewall: {enabled: true, hook: ingress, interfaces: eth0}\n"
                + "sites:\n  - {name: a, hosts: ['*'], upstreams: [http://127.0.0.1:9000]}\n", "rampart.yml");
        assertThat(on.firewall().interfaces()).containsExactly("eth0");
    }

    @Test
    void aSingleValueWhereAListIsExpected_isAListOfOne() throws Exception {
        RampartConfig c = loader.parse("sites:\n  - name: a\n    hosts: '*'\n    upstreams: http://127.0.0.1:9000\n", "rampart.yml");
        assertThat(c.sites().get(0).upstreams()).containsExactly("http://127.0.0.1:9000");
        assertThat(c.sites().get(0).hosts()).containsExactly("*");
    }

    @Test
    void textThatIsNotSettings_isRefusedAlone() {
        assertThat(errorsOf("- just\n- a list\n").errors()).singleElement()
                .satisfies(err -> assertThat(err.message()).startsWith("expected settings (key: value lines)"));
        assertThat(errorsOf("sites: [\n").errors()).singleElement()
                .satisfies(err -> assertThat(err.message()).startsWith("not valid YAML"));
        assertThat(errorsOf("sites: []\nsites: []\n").errors()).singleElement()
                .satisfies(err -> assertThat(err.message()).containsIgnoringCase("duplicate"));
    }

    @Test
    void typoInKey_isRefusedWithPathLineAndSuggestion() {
        ConfigException e = errorsOf("""
                sites:
                  - name: www
                    hosts: ['*']
                    upstream: [http://127.0.0.1:8080]
                """);
        assertThat(e.errors()).hasSize(1);
        ConfigError err = e.errors().get(0);
        assertThat(err.path()).isEqualTo("sites[0].upstream");
        assertThat(err.message()).contains("unknown key 'upstream'").contains("did you mean 'upstreams'")
                .contains("line 4");
        assertThat(e.getMessage()).startsWith("rampart.yml: 1 error");
    }

    @Test
    void badUpstreamUrl_namesItsIndex() {
        ConfigException e = errorsOf("""
                sites:
                  - name: a
                    hosts: [a.example]
                    upstreams: [http://127.0.0.1:1]
                  - name: b
                    hosts: [b.example]
                    upstreams: [ftp://x]
                """);
        assertThat(e.errors()).extracting(ConfigError::path).containsExactly("sites[1].upstreams[0]");
        assertThat(e.errors().get(0).message()).contains("expected a URL such as http://127.0.0.1:8080");
    }

    @Test
    void challengeKnownUsersAndAdmissionMistakes_areNamedPrecisely() {
        ConfigException e = errorsOf("""
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1'], underAttack: maybe}
                """);
        assertThat(e.errors()).extracting(ConfigError::path).contains("sites[0].underAttack");
        e = errorsOf("""
                challenge:
                  secret: short
                  keyRotation: 30s
                  difficulty: 40
                  noScriptWait: 0s
                  cookieName: 'bad name'
                  exemptPaths: [api/]
                  verifiedBots:
                    - {name: google, userAgent: Googlebot}
                    - {name: fake, userAgent: '', networks: [nonsense]}
                knownUsers: {cookies: ['a;b'], headers: ['x y']}
                admission: {minLimit: 0, maxLimit: 5, initialLimit: 10, queueTimeout: 2m, knownReserve: 0.95, suspectShare: 0}
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1'], underAttack: true}
                """);
        assertThat(e.errors()).extracting(ConfigError::path).containsExactlyInAnyOrder(
                "challenge.secret", "challenge.keyRotation", "challenge.clearanceLifetime", "challenge.difficulty",
                "challenge.noScriptWait", "challenge.cookieName", "challenge.exemptPaths[0]",
                "challenge.verifiedBots[0].networks", "challenge.verifiedBots[1].userAgent", "challenge.verifiedBots[1].networks[0]",
                "knownUsers.cookies[0]", "knownUsers.headers[0]",
                "admission.minLimit", "admission.initialLimit", "admission.queueTimeout", "admission.knownReserve",
                "admission.suspectShare");
        assertThat(e.getMessage()).contains("a user-agent alone is easy to fake", "expected 1 to 20 bits");
    }

    @Test
    void underAttackSwitch_andChallengeDefaults_areReadFromTheFile() throws Exception {
        RampartConfig c = loader.parse("""
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1'], underAttack: true}
                  - {name: b, hosts: [b.example], upstreams: ['http://127.0.0.1:1']}
                """, "x.yml");
        assertThat(c.sites().get(0).underAttack()).isTrue();
        assertThat(c.sites().get(1).underAttack()).isFalse();
        assertThat(c.challenge().difficulty()).isEqualTo(16);
        assertThat(c.challenge().exemptPaths()).contains("/.well-known/", "/api/");
        assertThat(c.admission().enabled()).isTrue();
        assertThat(c.withEverySiteUnderAttack().sites()).allMatch(SiteConfig::underAttack);
    }

    @Test
    void detectionMistakes_areNamedPrecisely() {
        ConfigException e = errorsOf("""
                detection:
                  tick: 50ms
                  surgeFactor: 1
                  novelty: 2
                  maxCollateral: 0.2
                  challengeCollateral: 0.1
                  maxStep: under-attack
                  ruleLimit: {rate: 0, burst: 0}
                  stateDir: ' '
                  escalateAfter: 0s
                knownUsers: {usersPerAddress: 0}
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}
                """);
        assertThat(e.errors()).extracting(ConfigError::path).containsExactlyInAnyOrder(
                "detection.tick", "detection.surgeFactor", "detection.novelty", "detection.challengeCollateral",
                "detection.maxStep", "detection.ruleLimit", "detection.stateDir", "detection.escalateAfter",
                "knownUsers.usersPerAddress");
        assertThat(e.getMessage()).contains("expected 100ms to 10s, got 50ms")
                .contains("expected limit, challenge, block or close, got under-attack");
        e = errorsOf("""
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1'], pin: sometimes}
                """);
        assertThat(e.errors()).extracting(ConfigError::path).containsExactly("sites[0].pin");
        assertThat(e.getMessage()).contains("(or auto), got 'sometimes'");
    }

    @Test
    void incidentAlertAndAdminMistakes_areNamedPrecisely() {
        ConfigException e = errorsOf("""
                dataDir: ' '
                admin: {tokenFile: ''}
                incidents: {closeAfter: 200h, retention: 1h, bulkResponse: 10}
                alerts:
                  webhooks:
                    - {url: 'ftp://x/hook'}
                    - {url: 'https://hooks.example.org/x', format: teams}
                    - {format: json}
                  email: {server: 'smtp.example.org', from: rampart, to: [duty], passwordEnv: SMTP_PASSWORD}
                  maxAttempts: 0
                  firstRetry: 1ms
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}
                """);
        assertThat(e.errors()).extracting(ConfigError::path).containsExactlyInAnyOrder(
                "dataDir", "admin.tokenFile", "incidents.closeAfter", "incidents.retention", "incidents.bulkResponse",
                "alerts.webhooks[0].url", "alerts.webhooks[1].format", "alerts.webhooks[2].url", "alerts.email.server",
                "alerts.email.from", "alerts.email.to[0]", "alerts.email.passwordEnv", "alerts.maxAttempts", "alerts.firstRetry");
        assertThat(e.getMessage()).contains("expected an http:// or https:// address, got 'ftp://x/hook'")
                .contains("expected json or slack, got 'teams'")
                .contains("a password needs alerts.email.username");
        e = errorsOf("""
                alerts: {email: {server: 'smtp.example.org:25', from: r@example.org}}
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}
                """);
        assertThat(e.errors()).extracting(ConfigError::path).containsExactly("alerts.email.to");
        e = errorsOf("""
                alerts: {webhooks: [{url: 'https://x.example/h', secret: 1}]}
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}
                """);
        assertThat(e.getMessage()).contains("secret");
        e = errorsOf("""
                incidents: {geoDatabases: ['/nonexistent/GeoLite2-ASN.mmdb', '', '/etc/hostname']}
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}
                """);
        assertThat(e.errors()).extracting(ConfigError::path)
                .containsExactly("incidents.geoDatabases[0]", "incidents.geoDatabases[1]", "incidents.geoDatabases[2]");
        assertThat(e.getMessage()).contains("cannot read /nonexistent/GeoLite2-ASN.mmdb").contains("expected the path of a .mmdb file")
                .contains("/etc/hostname: not a readable MaxMind database");
        e = errorsOf("""
                incidents: {reporter: {tlp: WHITE, email: 'not an address', reference: 'ACME DDOS', organisation: "two\\nlines"}}
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}
                """);
        assertThat(e.errors()).extracting(ConfigError::path).containsExactlyInAnyOrder("incidents.reporter.tlp",
                "incidents.reporter.email", "incidents.reporter.reference", "incidents.reporter.organisation");
        assertThat(e.getMessage()).contains("TLP 2.0 calls it CLEAR").contains("soc@example.org");
    }

    @Test
    void adminUsersAndCertDestinations_mistakesAreNamedPrecisely() {
        ConfigException e = errorsOf("""
                admin:
                  users:
                    - {name: Alice, role: operator, tokenSha256: abc}
                    - {name: admin, role: root, tokenSha256: 9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08}
                incidents: {cert: {to: [not-an-address], url: 'ftp://x', tokenEnv: '1BAD'}}
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}
                """);
        assertThat(e.errors()).extracting(ConfigError::path).containsExactlyInAnyOrder("admin.users[0].name", "admin.users[0].tokenSha256",
                "admin.users[1].name", "admin.users[1].role", "incidents.cert.to[0]", "incidents.cert.to", "incidents.cert.url",
                "incidents.cert.tokenEnv");
        assertThat(e.getMessage()).contains("sha256sum").contains("taken (by whoever holds the admin token)")
                .contains("configure alerts.email");
    }

    @Test
    void theReporter_isRead_withTlpAmberByDefault(@TempDir Path tmp) throws Exception {
        Path f = tmp.resolve("r.yaml");
        Files.writeString(f, """
                incidents: {reporter: {organisation: ACME Party HQ, contact: '+44 20 7946 0000', email: soc@acme.example, reference: ACME-DDOS}}
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}
                """);
        RampartConfig c = new ConfigLoader().load(f);
        assertThat(c.incidents().reporter().organisation()).isEqualTo("ACME Party HQ");
        assertThat(io.rampart.incident.Reporter.of(c.incidents().reporter()).tlp()).isEqualTo(io.rampart.incident.Tlp.AMBER);
        assertThat(io.rampart.incident.Reporter.of(c.incidents().reporter()).referenceOf("s-1")).isEqualTo("ACME-DDOS-s-1");
    }

    @Test
    void tlsHttp2AndAcmeMistakes_areNamedPrecisely() {
        ConfigException e = errorsOf("""
                listeners:
                  - address: 127.0.0.1:8443
                    tls: {}
                http2: {maxConcurrentStreams: 0, maxStreamsPerClient: -1, maxResets: 0, resetWindow: 0s}
                acme: {directory: 'ftp://ca', caCertificate: /no/such/ca.pem, email: nobody, renewBefore: 90d, retry: 0s, challenge: dns-01}
                sites:
                  - {name: a, hosts: ['*.example.org'], upstreams: ['http://127.0.0.1:1'], acme: true}
                """);
        assertThat(e.errors()).extracting(ConfigError::path).containsExactlyInAnyOrder(
                "http2.maxConcurrentStreams", "http2.maxStreamsPerClient", "http2.maxResets", "http2.resetWindow",
                "acme.directory", "acme.caCertificate", "acme.email", "acme.renewBefore", "acme.retry", "acme.challenge",
                "sites[0].acme", "sites[0].hosts[0]");
        assertThat(e.getMessage()).contains("set dataDir").contains("TLS-ALPN-01 cannot prove a wildcard")
                .contains("acme.challenge: expected http-01 or tls-alpn-01, got 'dns-01'")
                .contains("http2.maxStreamsPerClient: expected 1 to 1000000, got -1");
        e = errorsOf("""
                listeners:
                  - address: 127.0.0.1:8443
                    tls: {}
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}
                """);
        assertThat(e.errors()).extracting(ConfigError::path).containsExactly("listeners[0].tls.certificates");
        e = errorsOf("""
                dataDir: /tmp/x
                sites:
                  - {name: a, hosts: [a.example.org], upstreams: ['http://127.0.0.1:1'], acme: true}
                """);
        assertThat(e.getMessage()).contains("sites[0].acme: no TLS listener");
    }

    @Test
    void dataDir_isWhereDetectionKeepsItsStateUnlessStateDirSaysOtherwise() throws Exception {
        RampartConfig c = new ConfigLoader().parse("""
                dataDir: /var/lib/rampart
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}
                """, "t.yml");
        assertThat(c.effectiveStateDir()).isEqualTo("/var/lib/rampart");
        assertThat(c.incidents().closeAfter()).hasMinutes(5);
        assertThat(c.alerts().maxAttempts()).isEqualTo(6);
        assertThat(c.incidents().retention()).hasDays(400);
        assertThat(new ConfigLoader().parse("""
                incidents: {retention: 30d}
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}
                """, "t.yml").incidents().retention()).hasDays(30);
        assertThat(Durations.format(java.time.Duration.ofDays(30))).isEqualTo("30d");
        c = new ConfigLoader().parse("""
                dataDir: /var/lib/rampart
                detection: {stateDir: /srv/state}
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}
                """, "t.yml");
        assertThat(c.effectiveStateDir()).isEqualTo("/srv/state");
    }

    @Test
    void detectionDefaults_andAPin_areReadFromTheFile() throws Exception {
        RampartConfig c = new ConfigLoader().parse("""
                detection: {stateDir: /var/lib/rampart, shadow: true}
                sites:
                  - {name: a, hosts: ['*'], upstreams: ['http://127.0.0.1:1'], pin: challenge}
                  - {name: b, hosts: [b.example], upstreams: ['http://127.0.0.1:1'], pin: auto}
                """, "t.yml");
        assertThat(c.detection().enabled()).isTrue();
        assertThat(c.detection().tick()).isEqualTo(java.time.Duration.ofMillis(500));
        assertThat(c.detection().shadow()).isTrue();
        assertThat(c.detection().maxStep()).isEqualTo(MitigationStep.CLOSE);
        assertThat(c.sites().get(0).pin()).isEqualTo(MitigationStep.CHALLENGE);
        assertThat(c.sites().get(1).pin()).isNull();
    }

    @Test
    void everyProblem_isReportedAtOnce() {
        ConfigException e = errorsOf("""
                listeners:
                  - address: 'nonsense'
                deny: [300.1.2.3/8, 10.0.0.0/33]
                connections: {perClient: 0}
                limits:
                  perClient: {rate: -1}
                sites:
                  - name: 'bad name!'
                    hosts: []
                    upstreams: []
                """);
        assertThat(e.errors()).extracting(ConfigError::path).contains(
                "listeners[0].address", "deny[0]", "deny[1]", "connections.perClient",
                "limits.perClient.rate", "sites[0].name", "sites[0].hosts", "sites[0].upstreams");
    }

    @Test
    void aPerNetworkCapBelowThePerAddressCapOrAboveTheTotal_isRefusedByName() {
        assertThat(errorsOf("connections: {perClient: 64, perPrefix: 10}\nsites: []\n").errors())
                .extracting(ConfigError::path, ConfigError::message)
                .contains(org.assertj.core.groups.Tuple.tuple("connections.perPrefix",
                        "expected at least connections.perClient (64), got 10 (line 1)"));
        assertThat(errorsOf("connections: {perClient: 64, perPrefix: 20000, total: 10000}\nsites: []\n").errors())
                .extracting(ConfigError::path).contains("connections.perPrefix").doesNotContain("connections.perClient");
        assertThat(errorsOf("connections: {perPrefix: many}\nsites: []\n").errors().get(0).path()).isEqualTo("connections.perPrefix");
    }

    @Test
    void wrongType_isNamedInOperatorTerms() {
        ConfigException e = errorsOf("""
                connections:
                  perClient: lots
                sites: []
                """);
        assertThat(e.errors().get(0).path()).isEqualTo("connections.perClient");
        assertThat(e.errors().get(0).message()).contains("a whole number").doesNotContain("java.lang");
    }

    @Test
    void badDurationAndSize_sayWhatIsExpected() {
        assertThat(errorsOf("timeouts: {requestHead: soon}\nsites: []\n").errors().get(0))
                .satisfies(err -> {
                    assertThat(err.path()).isEqualTo("timeouts.requestHead");
                    assertThat(err.message()).contains("250ms, 10s, 5m, 1h or 7d");
                });
        assertThat(errorsOf("http: {maxBodySize: 5 parsecs}\nsites: []\n").errors().get(0).message())
                .contains("16KB, 10MB");
    }

    @Test
    void sameHostOnTwoSites_isRefused() {
        ConfigException e = errorsOf("""
                sites:
                  - {name: a, hosts: [x.example], upstreams: ['http://127.0.0.1:1']}
                  - {name: b, hosts: [X.example], upstreams: ['http://127.0.0.1:2']}
                """);
        assertThat(e.errors()).singleElement().satisfies(err -> {
            assertThat(err.path()).isEqualTo("sites[1].hosts[0]");
            assertThat(err.message()).contains("already served by sites[0]");
        });
    }

    @Test
    void httpsUpstream_isRefusedWithAnHonestReason() {
        ConfigException e = errorsOf("sites:\n  - {name: a, hosts: ['*'], upstreams: ['https://127.0.0.1']}\n");
        assertThat(e.errors().get(0).message()).contains("not supported yet");
    }

    @Test
    void garbage_isNotValidYaml() {
        ConfigException e = errorsOf("sites: [\n  - {{{{\n");
        assertThat(e.errors().get(0).message()).startsWith("not valid YAML").contains("line");
    }

    @Test
    void duplicateKey_isAnError() {
        ConfigException e = errorsOf("sites: []\nsites: []\n");
        assertThat(e.errors().get(0).message()).containsIgnoringCase("duplicate");
    }

    @Test
    void emptyFile_explainsWhatIsNeeded() {
        assertThat(errorsOf("   \n").errors().get(0).message()).contains("empty");
        assertThat(errorsOf("listeners: [{address: '127.0.0.1:1'}]\n").errors().get(0).path()).isEqualTo("sites");
    }

    @Test
    void missingFile_isReportedByName(@TempDir Path dir) {
        Path missing = dir.resolve("nope.yml");
        assertThatThrownBy(() -> loader.load(missing)).isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope.yml").hasMessageContaining("file not found");
    }

    @Test
    void loadFromFile_works(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("rampart.yml");
        Files.writeString(f, VALID);
        assertThat(loader.load(f).sites()).hasSize(1);
    }

    @Test
    void oneLineUpstreamForm_isValidAndProtectedByDefault() throws Exception {
        RampartConfig c = ConfigLoader.validated(
                RampartConfig.forUpstream("http://127.0.0.1:8080", "127.0.0.1:8000", null), "--upstream");
        assertThat(c.limits().perClient()).isNotNull();
        assertThat(c.limits().perPrefix()).isNotNull();
        assertThat(c.connections().perClient()).isPositive();
        assertThat(c.sites().get(0).hosts()).containsExactly("*");
        assertThatThrownBy(() -> ConfigLoader.validated(RampartConfig.forUpstream("localhost:8080", "127.0.0.1:8000", null), "--upstream"))
                .hasMessageContaining("sites[0].upstreams[0]");
    }

    @Test
    void byteSizesAndDurations_parseAndPrint() {
        assertThat(ByteSize.parse("10MB").bytes()).isEqualTo(10L * 1024 * 1024);
        assertThat(ByteSize.parse("512").toString()).isEqualTo("512");
        assertThat(Durations.parse("250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Durations.format(Duration.ofMinutes(5))).isEqualTo("5m");
        assertThat(HostPort.parse("[::1]:80").toString()).isEqualTo("[::1]:80");
        assertThatThrownBy(() -> HostPort.parse("::1:80")).hasMessageContaining("brackets");
    }
}

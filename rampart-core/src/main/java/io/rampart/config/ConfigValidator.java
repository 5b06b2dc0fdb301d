package io.rampart.config;

import io.rampart.traffic.Cidr;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/** Semantic checks of a whole configuration; collects every error, not just the first. */
final class ConfigValidator {
    private static final Pattern SITE_NAME = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,62}");
    private static final Pattern HOST_NAME = Pattern.compile(
            "(\\*\\.)?([A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)(\\.[A-Za-z0-9_]([A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?)*\\.?");

    private final List<ConfigError> errors = new ArrayList<>();

    List<ConfigError> validate(RampartConfig c) {
        Set<String> listenAddresses = new HashSet<>();
        for (int i = 0; i < c.listeners().size(); i++) {
            ListenerConfig l = c.listeners().get(i);
            String p = "listeners[" + i + "]";
            if (l == null) {
                error(p, "expected a listener mapping with an 'address'");
                continue;
            }
            if (l.secure()) {
                tls(p + ".tls", l.tls(), c.sites().stream().anyMatch(s -> s != null && s.acme()));
                if (l.h2c()) {
                    error(p + ".h2c", "h2c is HTTP/2 without TLS: a TLS listener offers HTTP/2 through ALPN already");
                }
            }
            HostPort hp = hostPort(p + ".address", l.address());
            if (hp != null && hp.port() != 0 && !listenAddresses.add(hp.toString())) {
                error(p + ".address", "address " + hp + " is listed twice");
            }
        }
        if (c.listeners().isEmpty()) {
            error("listeners", "at least one listener is needed");
        }
        if (c.admin().enabled()) {
            HostPort admin = hostPort("admin.address", c.admin().address());
            if (admin != null && admin.port() != 0 && listenAddresses.contains(admin.toString())) {
                error("admin.address", "the admin listener cannot share an address with a front listener");
            }
        }
        cidrs("trustedProxies", c.trustedProxies());
        cidrs("allow", c.allow());
        cidrs("deny", c.deny());
        limits("limits", c.limits());
        timeouts(c.timeouts());
        connections(c.connections());
        http(c.http());
        int table = c.limiter().tableSize();
        if (table < 1024 || table > (1 << 26)) {
            error("limiter.tableSize", "expected a number of slots from 1024 to 67108864, got " + table);
        }
        if (c.accessLog().rejectedPerSecond() < 0) {
            error("accessLog.rejectedPerSecond", "expected 0 or more, got " + c.accessLog().rejectedPerSecond());
        }
        if (c.accessLog().path().isBlank()) {
            error("accessLog.path", "expected a file, '-' for standard output, or 'off'");
        }
        challenge(c.challenge());
        knownUsers(c.knownUsers());
        admission(c.admission());
        shield(c.shield());
        detection(c.detection());
        Http2Config h2 = c.http2();
        count("http2.maxConcurrentStreams", h2.maxConcurrentStreams(), 1, 10_000);
        count("http2.maxStreamsPerClient", h2.maxStreamsPerClient(), 1, 1_000_000);
        count("http2.maxResets", h2.maxResets(), 1, 100_000);
        between("http2.resetWindow", h2.resetWindow(), Duration.ofSeconds(1), Duration.ofHours(1));
        boolean anyAcme = c.sites().stream().anyMatch(s -> s != null && s.acme());
        if (anyAcme) {
            acme(c.acme());
        }
        for (int i = 0; i < c.sites().size(); i++) {
            SiteConfig s = c.sites().get(i);
            if (s == null || !s.acme()) {
                continue;
            }
            if (c.dataDir() == null) {
                error("sites[" + i + "].acme", "automatic certificates are kept in the data directory: set dataDir");
            }
            if (c.listeners().stream().noneMatch(l -> l != null && l.secure())) {
                error("sites[" + i + "].acme", "no TLS listener to serve the certificate on (listeners[].tls)");
            }
            for (int h = 0; h < s.hosts().size(); h++) {
                if (s.hosts().get(h).contains("*")) {
                    error("sites[" + i + "].hosts[" + h + "]", "ACME certificates are issued for exact names (HTTP-01 and TLS-ALPN-01 cannot prove a wildcard)");
                }
            }
        }
        incidents(c.incidents(), c.alerts());
        alerts(c.alerts());
        firewall(c.firewall());
        cluster(c.cluster());
        if (c.dataDir() != null && c.dataDir().isBlank()) {
            error("dataDir", "expected a directory, or leave it out to keep nothing on disk");
        }
        if (c.admin().tokenFile() != null && c.admin().tokenFile().isBlank()) {
            error("admin.tokenFile", "expected a file holding the admin API token, or leave it out");
        }
        adminUsers(c.admin());
        sites(c);
        return errors;
    }

    private static final Pattern NFT_NAME = Pattern.compile("[A-Za-z][A-Za-z0-9_]{0,31}");
    private static final Pattern INTERFACE = Pattern.compile("[A-Za-z0-9_.@-]{1,15}");

    private void firewall(FirewallConfig f) {
        String p = "firewall";
        if (!"nftables".equals(f.backend())) {
            error(p + ".backend", "expected nftables (the only backend today), got '" + f.backend() + "'");
        }
        if (!NFT_NAME.matcher(f.table()).matches()) {
            error(p + ".table", "expected an nftables table name of letters, digits and _ (up to 32, a letter first), got '"
                    + f.table() + "'");
        }
        if (FirewallConfig.INGRESS.equals(f.hook())) {
            if (f.interfaces().isEmpty()) {
                error(p + ".interfaces", "the ingress hook is per interface: list at least one (eth0), or use hook: prerouting");
            }
            if (f.connectionsPerSource() > 0) {
                error(p + ".connectionsPerSource", "counting connections needs connection tracking, which runs after the ingress "
                        + "hook: use hook: prerouting, or leave it 0");
            }
        } else if (!FirewallConfig.PREROUTING.equals(f.hook())) {
            error(p + ".hook", "expected prerouting or ingress, got '" + f.hook() + "'");
        } else if (!f.interfaces().isEmpty()) {
            error(p + ".interfaces", "only the ingress hook takes interfaces; prerouting sees every interface");
        }
        for (int i = 0; i < f.interfaces().size(); i++) {
            String n = f.interfaces().get(i);
            if (n == null || !INTERFACE.matcher(n).matches()) {
                error(p + ".interfaces[" + i + "]", "expected an interface name such as eth0 (up to 15 characters), got '" + n + "'");
            }
        }
        count(p + ".maxEntries", f.maxEntries(), 16, 10_000_000);
        count(p + ".closesBeforeDrop", f.closesBeforeDrop(), 1, 1_000_000);
        between(p + ".offenderWindow", f.offenderWindow(), Duration.ofSeconds(1), Duration.ofHours(1));
        between(p + ".offenderDrop", f.offenderDrop(), Duration.ofSeconds(1), Duration.ofDays(7));
        between(p + ".permanentTimeout", f.permanentTimeout(), Duration.ofMinutes(1), Duration.ofDays(1));
        count(p + ".synRatePerNetwork", f.synRatePerNetwork(), 0, 10_000_000);
        count(p + ".connectionsPerSource", f.connectionsPerSource(), 0, 1_000_000);
    }

    private static final Pattern CLUSTER_NAME = Pattern.compile("[A-Za-z0-9_.-]{1,64}");
    private static final Pattern STORE = Pattern.compile(
            "(redis|rediss)://([^@/]+@)?[A-Za-z0-9_.:\\[\\]-]+(/[0-9]{1,2})?|redis-sentinel://([^@/]+@)?[A-Za-z0-9_.:,\\[\\]-]+(/[0-9]{1,2})?#[A-Za-z0-9_.-]+");

    private void cluster(ClusterConfig k) {
        String p = "cluster";
        if (!k.enabled()) {
            if (k.node() != null || k.passwordEnv() != null) {
                error(p + ".store", "cluster settings without a store: give store: redis://HOST:6379/0, or leave cluster out");
            }
            return;
        }
        if (!STORE.matcher(k.store()).matches()) {
            error(p + ".store", "expected redis://HOST:PORT/DB, rediss://HOST:PORT/DB or redis-sentinel://HOST:26379,HOST2:26379/DB#MASTER, got '"
                    + k.store() + "'");
        }
        if (k.node() != null && !CLUSTER_NAME.matcher(k.node()).matches()) {
            error(p + ".node", "expected a node name of letters, digits, '.', '_' or '-' (up to 64), got '" + k.node() + "'");
        }
        if (!CLUSTER_NAME.matcher(k.name()).matches()) {
            error(p + ".name", "expected a cluster name of letters, digits, '.', '_' or '-' (up to 64), got '" + k.name() + "'");
        }
        if (k.passwordEnv() != null && !k.passwordEnv().matches("[A-Za-z_][A-Za-z0-9_]{0,127}")) {
            error(p + ".passwordEnv", "expected the name of an environment variable, got '" + k.passwordEnv() + "'");
        }
        between(p + ".syncInterval", k.syncInterval(), Duration.ofMillis(20), Duration.ofSeconds(5));
        between(p + ".timeout", k.timeout(), Duration.ofMillis(10), Duration.ofSeconds(30));
        count(p + ".maxSyncKeys", k.maxSyncKeys(), 16, 1_000_000);
    }

    private static final Pattern TOKEN = Pattern.compile("[A-Za-z0-9!#$%&'*+.^_`|~-]{1,64}");

    private void challenge(ChallengeConfig ch) {
        String p = "challenge";
        if (ch.secret() != null && ch.secret().length() < 16) {
            error(p + ".secret", "expected at least 16 characters (a random string; share it between nodes), got "
                    + ch.secret().length());
        }
        if (ch.keyRotation().compareTo(Duration.ofMinutes(1)) < 0) {
            error(p + ".keyRotation", "expected 1m or more, got " + Durations.format(ch.keyRotation()));
        }
        if (ch.clearanceLifetime().compareTo(Duration.ofSeconds(10)) < 0) {
            error(p + ".clearanceLifetime", "expected 10s or more, got " + Durations.format(ch.clearanceLifetime()));
        } else if (ch.clearanceLifetime().compareTo(ch.keyRotation()) > 0) {
            error(p + ".clearanceLifetime", "cannot exceed challenge.keyRotation (" + Durations.format(ch.keyRotation())
                    + "): a clearance must outlive neither its key nor the one after");
        }
        if (ch.difficulty() < 1 || ch.difficulty() > 20) {
            error(p + ".difficulty", "expected 1 to 20 bits (16 is about 65,000 hashes, under a second on a low-end phone; "
                    + "each bit doubles it), got " + ch.difficulty());
        }
        if (ch.noScriptWait().compareTo(Duration.ofSeconds(1)) < 0 || ch.noScriptWait().compareTo(Duration.ofSeconds(60)) > 0) {
            error(p + ".noScriptWait", "expected 1s to 60s, got " + Durations.format(ch.noScriptWait()));
        }
        if (!TOKEN.matcher(ch.cookieName()).matches()) {
            error(p + ".cookieName", "expected a cookie name of letters, digits and -_.!#$%&'*+^`|~, got '" + ch.cookieName() + "'");
        }
        for (int i = 0; i < ch.exemptPaths().size(); i++) {
            String e = ch.exemptPaths().get(i);
            if (e == null || !e.startsWith("/")) {
                error(p + ".exemptPaths[" + i + "]", "expected a path prefix starting with '/', such as /api/");
            }
        }
        for (int i = 0; i < ch.verifiedBots().size(); i++) {
            VerifiedBotConfig b = ch.verifiedBots().get(i);
            String bp = p + ".verifiedBots[" + i + "]";
            if (b == null) {
                error(bp, "expected a mapping with name, userAgent and networks");
                continue;
            }
            if (b.userAgent() == null || b.userAgent().isBlank()) {
                error(bp + ".userAgent", "expected part of the bot's user-agent, such as Googlebot");
            }
            if (b.networks().isEmpty()) {
                error(bp + ".networks", "expected the bot's published address ranges: a user-agent alone is easy to fake");
            }
            cidrs(bp + ".networks", b.networks());
        }
    }

    private void knownUsers(KnownUsersConfig k) {
        if (k.usersPerAddress() < 1 || k.usersPerAddress() > 10_000) {
            error("knownUsers.usersPerAddress", "expected 1 to 10000 (known users sharing one address), got " + k.usersPerAddress());
        }
        if ((k.tokenCookie() == null) != (k.tokenSecret() == null)) {
            error(k.tokenCookie() == null ? "knownUsers.tokenCookie" : "knownUsers.tokenSecret",
                    "a signed user token needs both tokenCookie (its cookie's name) and tokenSecret");
        }
        if (k.tokenCookie() != null && !TOKEN.matcher(k.tokenCookie()).matches()) {
            error("knownUsers.tokenCookie", "expected a cookie name, got '" + k.tokenCookie() + "'");
        }
        if (k.tokenSecret() != null && k.tokenSecret().length() < 16) {
            error("knownUsers.tokenSecret", "expected at least 16 characters, got " + k.tokenSecret().length());
        }
        for (int i = 0; i < k.cookies().size(); i++) {
            String n = k.cookies().get(i);
            if (n == null || !TOKEN.matcher(n).matches()) {
                error("knownUsers.cookies[" + i + "]", "expected a cookie name, got " + (n == null ? "nothing" : "'" + n + "'"));
            }
        }
        for (int i = 0; i < k.headers().size(); i++) {
            String n = k.headers().get(i);
            if (n == null || !TOKEN.matcher(n).matches()) {
                error("knownUsers.headers[" + i + "]", "expected a header name, got " + (n == null ? "nothing" : "'" + n + "'"));
            }
        }
    }

    private void shield(ShieldConfig s) {
        range("shield.maxSize", s.maxSize().bytes(), 1 << 20, 1L << 34);
        range("shield.maxObjectSize", s.maxObjectSize().bytes(), 1024, 64L << 20);
        if (s.maxObjectSize().bytes() > s.maxSize().bytes() / 8) {
            error("shield.maxObjectSize", "expected at most an eighth of shield.maxSize (" + ByteSize.ofBytes(s.maxSize().bytes() / 8) + ")");
        }
        for (int i = 0; i < s.ignoreParams().size(); i++) {
            String n = s.ignoreParams().get(i);
            if (n == null || n.isBlank() || n.indexOf('*') >= 0 && n.indexOf('*') != n.length() - 1) {
                error("shield.ignoreParams[" + i + "]", "expected a parameter name, or a prefix ending in '*' such as utm_*");
            }
        }
        if (s.grace().isNegative() || s.grace().compareTo(Duration.ofDays(1)) > 0) {
            error("shield.grace", "expected 0s to 24h, got " + Durations.format(s.grace()));
        }
        if (s.snapshotInterval().compareTo(Duration.ofSeconds(1)) < 0) {
            error("shield.snapshotInterval", "expected 1s or more, got " + Durations.format(s.snapshotInterval()));
        }
    }

    private void admission(AdmissionConfig a) {
        String p = "admission";
        if (a.minLimit() < 1) {
            error(p + ".minLimit", "expected 1 or more, got " + a.minLimit());
        }
        if (a.maxLimit() < a.minLimit() || a.maxLimit() > 100_000) {
            error(p + ".maxLimit", "expected from minLimit (" + a.minLimit() + ") to 100000, got " + a.maxLimit());
        }
        if (a.initialLimit() < a.minLimit() || a.initialLimit() > a.maxLimit()) {
            error(p + ".initialLimit", "expected from minLimit to maxLimit (" + a.minLimit() + " to " + a.maxLimit()
                    + "), got " + a.initialLimit());
        }
        if (a.queueSize() < 0 || a.queueSize() > 1_000_000) {
            error(p + ".queueSize", "expected 0 to 1000000, got " + a.queueSize());
        }
        if (a.queueTimeout().isNegative() || a.queueTimeout().compareTo(Duration.ofSeconds(60)) > 0) {
            error(p + ".queueTimeout", "expected 0s to 60s, got " + Durations.format(a.queueTimeout()));
        }
        if (!(a.knownReserve() >= 0 && a.knownReserve() <= 0.9)) {
            error(p + ".knownReserve", "expected a share from 0 to 0.9, got " + a.knownReserve());
        }
        if (!(a.suspectShare() > 0 && a.suspectShare() <= 1)) {
            error(p + ".suspectShare", "expected a share above 0 and at most 1, got " + a.suspectShare());
        }
    }

    private void detection(DetectionConfig d) {
        String p = "detection";
        between(p + ".tick", d.tick(), Duration.ofMillis(100), Duration.ofSeconds(10));
        between(p + ".learnFor", d.learnFor(), Duration.ZERO, Duration.ofDays(7));
        between(p + ".learnDelay", d.learnDelay(), Duration.ZERO, Duration.ofMinutes(1));
        between(p + ".baselineHalfLife", d.baselineHalfLife(), Duration.ofSeconds(10), Duration.ofDays(30));
        between(p + ".escalateAfter", d.escalateAfter(), d.tick(), Duration.ofHours(1));
        between(p + ".stepDownAfter", d.stepDownAfter(), d.tick(), Duration.ofHours(1));
        between(p + ".ruleTtl", d.ruleTtl(), d.tick(), Duration.ofDays(7));
        between(p + ".recoverFor", d.recoverFor(), Duration.ZERO, Duration.ofHours(24));
        between(p + ".widenAfter", d.widenAfter(), d.tick(), Duration.ofHours(1));
        between(p + ".closeHold", d.closeHold(), Duration.ZERO, Duration.ofSeconds(60));
        if (!(d.surgeFactor() >= 1.2 && d.surgeFactor() <= 1000)) {
            error(p + ".surgeFactor", "expected 1.2 to 1000 (times the expected rate), got " + d.surgeFactor());
        }
        if (!(d.minRate() >= 0)) {
            error(p + ".minRate", "expected 0 or more requests per second, got " + d.minRate());
        }
        if (!(d.novelty() >= 0.05 && d.novelty() <= 0.95)) {
            error(p + ".novelty", "expected a share from 0.05 to 0.95, got " + d.novelty());
        }
        if (!(d.maxCollateral() >= 0 && d.maxCollateral() <= 0.5)) {
            error(p + ".maxCollateral", "expected a share from 0 to 0.5, got " + d.maxCollateral());
        }
        if (!(d.challengeCollateral() >= d.maxCollateral() && d.challengeCollateral() <= 1)) {
            error(p + ".challengeCollateral", "expected a share from maxCollateral (" + d.maxCollateral() + ") to 1, got "
                    + d.challengeCollateral());
        }
        if (d.maxStep().ordinal() < MitigationStep.LIMIT.ordinal() || d.maxStep() == MitigationStep.UNDER_ATTACK) {
            error(p + ".maxStep", "expected limit, challenge, block or close, got " + d.maxStep());
        }
        if (d.ruleLimit().rate() == null || !(d.ruleLimit().rate() > 0) || d.ruleLimit().burst() == null || d.ruleLimit().burst() < 1) {
            error(p + ".ruleLimit", "expected a rate above 0 and a burst of 1 or more, got " + d.ruleLimit());
        }
        if (d.stateDir() != null && d.stateDir().isBlank()) {
            error(p + ".stateDir", "expected a directory, or leave it out to keep no state");
        }
    }

    private void tls(String p, TlsConfig t, boolean acme) {
        if (t.certificates().isEmpty() && !acme) {
            error(p + ".certificates", "expected at least one {cert: FILE, key: FILE} (PEM), or a site with acme: true");
        }
        for (int i = 0; i < t.certificates().size(); i++) {
            TlsConfig.CertificateConfig c = t.certificates().get(i);
            String q = p + ".certificates[" + i + "]";
            if (c == null || c.cert() == null || c.key() == null) {
                error(q, "expected {cert: FILE, key: FILE}");
                continue;
            }
            if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(c.cert()))) {
                error(q + ".cert", "cannot read '" + c.cert() + "'");
            }
            if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(c.key()))) {
                error(q + ".key", "cannot read '" + c.key() + "'");
            }
        }
        if (t.protocols().isEmpty() || !List.of("TLSv1.2", "TLSv1.3").containsAll(t.protocols())) {
            error(p + ".protocols", "expected TLSv1.3 and/or TLSv1.2 (nothing older is offered), got " + t.protocols());
        }
        if (!List.of("auto", "openssl", "jdk").contains(t.engine())) {
            error(p + ".engine", "expected auto, openssl or jdk, got '" + t.engine() + "'");
        }
    }

    private void acme(AcmeConfig a) {
        if (!(a.directory().startsWith("https://") || a.directory().startsWith("http://"))) {
            error("acme.directory", "expected the ACME directory's https:// address, got '" + a.directory() + "'");
        }
        if (a.caCertificate() != null && !java.nio.file.Files.isReadable(java.nio.file.Path.of(a.caCertificate()))) {
            error("acme.caCertificate", "cannot read '" + a.caCertificate() + "'");
        }
        if (a.email() != null && !a.email().contains("@")) {
            error("acme.email", "expected an email address, got '" + a.email() + "'");
        }
        between("acme.renewBefore", a.renewBefore(), Duration.ofDays(1), Duration.ofDays(60));
        between("acme.retry", a.retry(), Duration.ofSeconds(1), Duration.ofDays(1));
        if (!AcmeConfig.HTTP_01.equals(a.challenge()) && !AcmeConfig.TLS_ALPN_01.equals(a.challenge())) {
            error("acme.challenge", "expected http-01 or tls-alpn-01, got '" + a.challenge() + "'");
        }
    }

    private void incidents(IncidentsConfig i, AlertsConfig alerts) {
        between("incidents.closeAfter", i.closeAfter(), Duration.ZERO, Duration.ofDays(7));
        between("incidents.retention", i.retention(), Duration.ofDays(1), Duration.ofDays(36500));
        range("incidents.bulkResponse", i.bulkResponse().bytes(), 1024, 1L << 40);
        reporter(i.reporter());
        for (int n = 0; n < i.geoDatabases().size(); n++) {
            String file = i.geoDatabases().get(n);
            String p = "incidents.geoDatabases[" + n + "]";
            if (file == null || file.isBlank()) {
                error(p, "expected the path of a .mmdb file");
            } else if (!java.nio.file.Files.isReadable(java.nio.file.Path.of(file))) {
                error(p, "cannot read " + file);
            } else {
                String problem = io.rampart.geo.GeoLookup.problem(file);
                if (problem != null) {
                    error(p, file + ": " + problem);
                }
            }
        }
        cert(i.cert(), alerts);
    }

    private void cert(CertConfig c, AlertsConfig alerts) {
        for (int n = 0; n < c.to().size(); n++) {
            String to = c.to().get(n);
            if (to == null || !to.matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
                error("incidents.cert.to[" + n + "]", "expected an address such as cert@ncsc.example, got " + (to == null ? "nothing" : "'" + to + "'"));
            }
        }
        if (!c.to().isEmpty() && alerts.email() == null) {
            error("incidents.cert.to", "mail to the CERT goes through alerts.email's SMTP server: configure alerts.email (server, from)");
        }
        if (c.url() != null) {
            try {
                java.net.URI u = new java.net.URI(c.url());
                if (!("https".equals(u.getScheme()) || "http".equals(u.getScheme())) || u.getHost() == null) {
                    error("incidents.cert.url", "expected an https:// or http:// address, got '" + c.url() + "'");
                }
            } catch (java.net.URISyntaxException e) {
                error("incidents.cert.url", "not an address: " + e.getMessage());
            }
        }
        if (c.tokenEnv() != null && !c.tokenEnv().matches("[A-Za-z_][A-Za-z0-9_]*")) {
            error("incidents.cert.tokenEnv", "expected the name of an environment variable, got '" + c.tokenEnv() + "'");
        }
        if (c.tokenEnv() != null && c.url() == null) {
            error("incidents.cert.tokenEnv", "a token is sent to incidents.cert.url, which is not set");
        }
    }

    static final Pattern ADMIN_USER = Pattern.compile("[a-z0-9][a-z0-9._-]{0,31}");
    static final Pattern SHA256_HEX = Pattern.compile("[0-9a-f]{64}");

    private void adminUsers(AdminConfig a) {
        Set<String> names = new HashSet<>();
        names.add("admin");
        for (int i = 0; i < a.users().size(); i++) {
            AdminConfig.UserConfig u = a.users().get(i);
            String p = "admin.users[" + i + "]";
            if (u == null) {
                error(p, "expected {name, role, tokenSha256}");
                continue;
            }
            if (u.name() == null || !ADMIN_USER.matcher(u.name()).matches()) {
                error(p + ".name", "expected a lower-case name of letters, digits, '.', '_' or '-' (at most 32), got "
                        + (u.name() == null ? "nothing" : "'" + u.name() + "'"));
            } else if (!names.add(u.name())) {
                error(p + ".name", "'" + u.name() + "' is taken" + ("admin".equals(u.name()) ? " (by whoever holds the admin token)" : " by another user"));
            }
            if (!AdminConfig.VIEWER.equals(u.role()) && !AdminConfig.OPERATOR.equals(u.role())) {
                error(p + ".role", "expected viewer or operator, got " + (u.role() == null ? "nothing" : "'" + u.role() + "'"));
            }
            if (u.tokenSha256() == null || !SHA256_HEX.matcher(u.tokenSha256()).matches()) {
                error(p + ".tokenSha256", "expected the SHA-256 of the user's token as 64 lower-case hex digits "
                        + "(printf %s \"$TOKEN\" | sha256sum)");
            }
        }
        if (a.usersFile() != null && a.usersFile().isBlank()) {
            error("admin.usersFile", "expected a file of NAME ROLE SHA256 lines, or leave it out");
        }
    }

    private void reporter(ReporterConfig r) {
        try {
            io.rampart.incident.Tlp.parse(r.tlp());
        } catch (IllegalArgumentException e) {
            error("incidents.reporter.tlp", e.getMessage());
        }
        String[][] texts = {{"organisation", r.organisation()}, {"contact", r.contact()}, {"email", r.email()}, {"reference", r.reference()}};
        for (String[] t : texts) {
            if (t[1] != null && (t[1].length() > 200 || t[1].chars().anyMatch(c -> c < 0x20 || c == 0x7f))) {
                error("incidents.reporter." + t[0], "expected one line of at most 200 characters");
            }
        }
        if (r.email() != null && !r.email().isBlank() && !r.email().matches("[^@\\s]+@[^@\\s]+\\.[^@\\s]+")) {
            error("incidents.reporter.email", "expected an address such as soc@example.org, got '" + r.email() + "'");
        }
        if (r.reference() != null && !r.reference().isBlank() && !r.reference().matches("[A-Za-z0-9][A-Za-z0-9._-]{0,39}")) {
            error("incidents.reporter.reference", "expected a prefix of letters, digits, '.', '_' or '-' (at most 40), got '" + r.reference() + "'");
        }
    }

    private void alerts(AlertsConfig a) {
        for (int i = 0; i < a.webhooks().size(); i++) {
            AlertsConfig.WebhookConfig w = a.webhooks().get(i);
            String p = "alerts.webhooks[" + i + "]";
            if (w == null) {
                error(p, "expected a mapping with a 'url'");
                continue;
            }
            if (w.url() == null || !(w.url().startsWith("http://") || w.url().startsWith("https://"))) {
                error(p + ".url", "expected an http:// or https:// address, got " + (w.url() == null ? "nothing" : "'" + w.url() + "'"));
            } else {
                try {
                    java.net.URI u = new java.net.URI(w.url());
                    if (u.getHost() == null) {
                        error(p + ".url", "expected a host in '" + w.url() + "'");
                    }
                } catch (java.net.URISyntaxException e) {
                    error(p + ".url", "not a valid address: " + e.getMessage());
                }
            }
            if (!"json".equals(w.format()) && !"slack".equals(w.format())) {
                error(p + ".format", "expected json or slack, got '" + w.format() + "'");
            }
        }
        AlertsConfig.EmailConfig e = a.email();
        if (e != null) {
            if (e.server() == null) {
                error("alerts.email.server", "expected the SMTP server as host:port");
            } else {
                try {
                    HostPort.parse(e.server());
                } catch (IllegalArgumentException x) {
                    error("alerts.email.server", x.getMessage());
                }
            }
            if (e.from() == null || !e.from().contains("@")) {
                error("alerts.email.from", "expected a sender address such as rampart@example.org");
            }
            if (e.to().isEmpty()) {
                error("alerts.email.to", "expected at least one recipient");
            }
            for (int i = 0; i < e.to().size(); i++) {
                if (e.to().get(i) == null || !e.to().get(i).contains("@")) {
                    error("alerts.email.to[" + i + "]", "expected an email address");
                }
            }
            if (e.passwordEnv() != null && e.username() == null) {
                error("alerts.email.passwordEnv", "a password needs alerts.email.username");
            }
        }
        count("alerts.maxAttempts", a.maxAttempts(), 1, 100);
        between("alerts.firstRetry", a.firstRetry(), Duration.ofMillis(10), Duration.ofMinutes(10));
    }

    private void between(String path, Duration value, Duration min, Duration max) {
        if (value.compareTo(min) < 0 || value.compareTo(max) > 0) {
            error(path, "expected " + Durations.format(min) + " to " + Durations.format(max) + ", got " + Durations.format(value));
        }
    }

    private void sites(RampartConfig c) {
        if (c.sites().isEmpty()) {
            error("sites", "at least one site is needed: a name, its hosts and its upstreams");
            return;
        }
        Set<String> names = new HashSet<>();
        Map<String, String> hostOwner = new HashMap<>();
        for (int i = 0; i < c.sites().size(); i++) {
            SiteConfig s = c.sites().get(i);
            String p = "sites[" + i + "]";
            if (s == null) {
                error(p, "expected a site mapping with name, hosts and upstreams");
                continue;
            }
            if (s.name() == null || !SITE_NAME.matcher(s.name()).matches()) {
                error(p + ".name", "expected a short name of letters, digits, '.', '_' or '-', got "
                        + (s.name() == null ? "nothing" : "'" + s.name() + "'"));
            } else if (!names.add(s.name())) {
                error(p + ".name", "site name '" + s.name() + "' is used twice");
            }
            if (s.hosts().isEmpty()) {
                error(p + ".hosts", "expected at least one host name, such as www.example.org, *.example.org or *");
            }
            if (s.contact() != null && (s.contact().isBlank() || s.contact().length() > 200
                    || s.contact().chars().anyMatch(ch -> ch < 0x20 || ch == 0x7f))) {
                error(p + ".contact", "expected one line of at most 200 characters, such as webmaster@example.org");
            }
            for (int h = 0; h < s.hosts().size(); h++) {
                String host = s.hosts().get(h);
                String hp = p + ".hosts[" + h + "]";
                if (host == null || !("*".equals(host) || HOST_NAME.matcher(host).matches())) {
                    error(hp, "expected a host name such as www.example.org, *.example.org or *, got "
                            + (host == null ? "nothing" : "'" + host + "'"));
                    continue;
                }
                String norm = host.toLowerCase(Locale.ROOT);
                String owner = hostOwner.putIfAbsent(norm, p);
                if (owner != null) {
                    error(hp, "host '" + host + "' is already served by " + owner);
                }
            }
            if (s.upstreams().isEmpty()) {
                error(p + ".upstreams", "expected at least one origin URL such as http://127.0.0.1:8080");
            }
            for (int u = 0; u < s.upstreams().size(); u++) {
                String url = s.upstreams().get(u);
                try {
                    if (url == null) {
                        throw new IllegalArgumentException("expected a URL such as http://127.0.0.1:8080");
                    }
                    UpstreamUrl.parse(url);
                } catch (IllegalArgumentException e) {
                    error(p + ".upstreams[" + u + "]", e.getMessage());
                }
            }
            if (s.limits() != null) {
                limits(p + ".limits", s.limits().inherit(c.limits()));
            }
            for (int n = 0; n < s.snapshot().size(); n++) {
                String path = s.snapshot().get(n);
                if (path == null || !path.startsWith("/") || path.startsWith("//")) {
                    error(p + ".snapshot[" + n + "]", "expected a path on the site such as / or /donate");
                }
            }
            Set<String> paths = new HashSet<>();
            for (int r = 0; r < s.routes().size(); r++) {
                RouteConfig route = s.routes().get(r);
                String rp = p + ".routes[" + r + "]";
                if (route == null || route.path() == null || !route.path().startsWith("/")) {
                    error(rp + ".path", "expected a path prefix starting with '/', such as /api/");
                    continue;
                }
                if (!paths.add(route.path())) {
                    error(rp + ".path", "path prefix '" + route.path() + "' is listed twice");
                }
                if (route.limits() == null) {
                    error(rp + ".limits", "a route needs limits (that is all a route sets today)");
                } else {
                    limits(rp + ".limits", route.limits().inherit(c.limits()));
                }
            }
        }
    }

    private void limits(String p, LimitsConfig l) {
        rate(p + ".perClient", l.perClient());
        rate(p + ".perPrefix", l.perPrefix());
        if (l.tarpitDelay() != null && (l.tarpitDelay().isNegative() || l.tarpitDelay().compareTo(Duration.ofSeconds(60)) > 0)) {
            error(p + ".tarpitDelay", "expected a delay from 0s to 60s, got " + Durations.format(l.tarpitDelay()));
        }
    }

    private void rate(String p, RateConfig r) {
        if (r == null) {
            return;
        }
        if (r.rate() == null || !(r.rate() > 0) || r.rate() > 1_000_000) {
            error(p + ".rate", "expected requests per second above 0 and at most 1000000, got " + r.rate());
        }
        if (r.burst() == null || r.burst() < 1 || r.burst() > 1_000_000) {
            error(p + ".burst", "expected a burst from 1 to 1000000 requests, got " + r.burst());
        }
    }

    private void timeouts(TimeoutsConfig t) {
        positive("timeouts.requestHead", t.requestHead());
        positive("timeouts.keepAliveIdle", t.keepAliveIdle());
        positive("timeouts.bodyGrace", t.bodyGrace());
        positive("timeouts.clientWrite", t.clientWrite());
        positive("timeouts.upstreamConnect", t.upstreamConnect());
        positive("timeouts.upstreamResponse", t.upstreamResponse());
        positive("timeouts.tunnelIdle", t.tunnelIdle());
        if (t.shutdownGrace().isNegative()) {
            error("timeouts.shutdownGrace", "expected 0s or more");
        }
    }

    private void positive(String p, Duration d) {
        if (d.isZero() || d.isNegative()) {
            error(p, "expected a duration above zero, such as 10s");
        }
    }

    private void connections(ConnectionsConfig c) {
        if (c.perClient() < 1) {
            error("connections.perClient", "expected 1 or more, got " + c.perClient());
        }
        if (c.total() < 1) {
            error("connections.total", "expected 1 or more, got " + c.total());
        } else if (c.perClient() > c.total()) {
            error("connections.perClient", "cannot exceed connections.total (" + c.total() + ")");
        }
        if (c.total() < 1 || c.perClient() < 1) {
            return; // compared with a value already refused, perPrefix would only echo that error
        }
        if (c.perPrefix() < c.perClient()) {
            error("connections.perPrefix", "expected at least connections.perClient (" + c.perClient() + "), got " + c.perPrefix());
        } else if (c.perPrefix() > c.total()) {
            error("connections.perPrefix", "cannot exceed connections.total (" + c.total() + ")");
        }
    }

    private void http(HttpLimitsConfig h) {
        range("http.maxRequestLine", h.maxRequestLine().bytes(), 256, 1 << 20);
        range("http.maxHeaderSize", h.maxHeaderSize().bytes(), 1024, 1 << 20);
        if (h.maxHeaders() < 1 || h.maxHeaders() > 1000) {
            error("http.maxHeaders", "expected 1 to 1000, got " + h.maxHeaders());
        }
    }

    /** A count (streams, attempts): plain numbers in the message, and negative values are an error like any other. */
    private void count(String p, long v, long min, long max) {
        if (v < min || v > max) {
            error(p, "expected " + min + " to " + max + ", got " + v);
        }
    }

    /** A size: values shown as sizes ({@code 16KB}). */
    private void range(String p, long v, long min, long max) {
        if (v < min || v > max) {
            error(p, "expected from " + ByteSize.ofBytes(min) + " to " + ByteSize.ofBytes(max) + ", got " + ByteSize.ofBytes(v));
        }
    }

    private void cidrs(String p, List<String> entries) {
        for (int i = 0; i < entries.size(); i++) {
            String e = entries.get(i);
            try {
                if (e == null) {
                    throw new IllegalArgumentException("expected a network such as 192.0.2.0/24 or 2001:db8::/32");
                }
                Cidr.parse(e);
            } catch (IllegalArgumentException ex) {
                error(p + "[" + i + "]", ex.getMessage() + " (expected a network such as 192.0.2.0/24 or 2001:db8::/32)");
            }
        }
    }

    private HostPort hostPort(String p, String text) {
        if (text == null) {
            error(p, "expected host:port such as 127.0.0.1:8000");
            return null;
        }
        try {
            return HostPort.parse(text);
        } catch (IllegalArgumentException e) {
            error(p, e.getMessage());
            return null;
        }
    }

    private void error(String path, String message) {
        errors.add(new ConfigError(path, message));
    }
}

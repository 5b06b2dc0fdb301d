package io.rampart.config;

import java.util.List;

/**
 * The whole configuration. Every field may be omitted in YAML; omitted fields take the defaults
 * documented in {@code docs/configuration.md}, chosen so that a single {@code --upstream} is
 * already well protected.
 */
public record RampartConfig(
        List<ListenerConfig> listeners,
        AdminConfig admin,
        List<String> trustedProxies,
        List<String> allow,
        List<String> deny,
        LimitsConfig limits,
        TimeoutsConfig timeouts,
        ConnectionsConfig connections,
        HttpLimitsConfig http,
        Http2Config http2,
        LimiterConfig limiter,
        AccessLogConfig accessLog,
        ChallengeConfig challenge,
        KnownUsersConfig knownUsers,
        AdmissionConfig admission,
        ShieldConfig shield,
        DetectionConfig detection,
        String dataDir,
        IncidentsConfig incidents,
        AlertsConfig alerts,
        AcmeConfig acme,
        FirewallConfig firewall,
        ClusterConfig cluster,
        List<SiteConfig> sites) {

    public RampartConfig {
        listeners = listeners == null ? List.of(ListenerConfig.DEFAULT) : List.copyOf(listeners);
        admin = admin == null ? AdminConfig.DEFAULT : admin;
        trustedProxies = trustedProxies == null ? List.of() : List.copyOf(trustedProxies);
        allow = allow == null ? List.of() : List.copyOf(allow);
        deny = deny == null ? List.of() : List.copyOf(deny);
        limits = limits == null ? LimitsConfig.DEFAULT : limits.inherit(LimitsConfig.DEFAULT);
        timeouts = timeouts == null ? TimeoutsConfig.DEFAULT : timeouts;
        connections = connections == null ? ConnectionsConfig.DEFAULT : connections;
        http = http == null ? HttpLimitsConfig.DEFAULT : http;
        http2 = http2 == null ? Http2Config.DEFAULT : http2;
        limiter = limiter == null ? LimiterConfig.DEFAULT : limiter;
        accessLog = accessLog == null ? AccessLogConfig.DEFAULT : accessLog;
        challenge = challenge == null ? ChallengeConfig.DEFAULT : challenge;
        knownUsers = knownUsers == null ? KnownUsersConfig.DEFAULT : knownUsers;
        admission = admission == null ? AdmissionConfig.DEFAULT : admission;
        shield = shield == null ? ShieldConfig.DEFAULT : shield;
        detection = detection == null ? DetectionConfig.DEFAULT : detection;
        incidents = incidents == null ? IncidentsConfig.DEFAULT : incidents;
        alerts = alerts == null ? AlertsConfig.DEFAULT : alerts;
        acme = acme == null ? AcmeConfig.DEFAULT : acme;
        firewall = firewall == null ? FirewallConfig.DEFAULT : firewall;
        cluster = cluster == null ? ClusterConfig.DEFAULT : cluster;
        sites = sites == null ? List.of() : List.copyOf(sites);
    }

    /** The configuration behind {@code rampart run --upstream URL --listen ADDR}: one catch-all site. */
    public static RampartConfig forUpstream(String upstreamUrl, String listen, String adminListen) {
        return new RampartConfig(
                List.of(new ListenerConfig(listen, false)),
                adminListen == null ? null : new AdminConfig(adminListen, true),
                null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null, null,
                List.of(new SiteConfig("default", List.of("*"), List.of(upstreamUrl), null, null, null, null, null)));
    }

    /** This configuration with other front listeners and admin listener. */
    public RampartConfig withListeners(List<ListenerConfig> newListeners, AdminConfig newAdmin) {
        return new RampartConfig(newListeners, newAdmin, trustedProxies, allow, deny, limits, timeouts, connections,
                http, http2, limiter, accessLog, challenge, knownUsers, admission, shield, detection, dataDir, incidents, alerts, acme, firewall, cluster, sites);
    }

    /** This configuration keeping its state (detection, incidents, the admin token) in {@code dir}. */
    public RampartConfig withDataDir(String dir) {
        return new RampartConfig(listeners, admin, trustedProxies, allow, deny, limits, timeouts, connections,
                http, http2, limiter, accessLog, challenge, knownUsers, admission, shield, detection, dir, incidents, alerts, acme, firewall, cluster, sites);
    }

    /** The directory detection keeps its state in: {@code detection.stateDir}, else {@code dataDir}, else none. */
    public String effectiveStateDir() {
        return detection.stateDir() != null ? detection.stateDir() : dataDir;
    }

    /** This configuration with another access log. */
    public RampartConfig withAccessLog(AccessLogConfig newAccessLog) {
        return new RampartConfig(listeners, admin, trustedProxies, allow, deny, limits, timeouts, connections,
                http, http2, limiter, newAccessLog, challenge, knownUsers, admission, shield, detection, dataDir, incidents, alerts, acme, firewall, cluster, sites);
    }

    /** This configuration with every site under attack: every unknown client is challenged ({@code --under-attack}). */
    public RampartConfig withEverySiteUnderAttack() {
        List<SiteConfig> marked = new java.util.ArrayList<>();
        for (SiteConfig s : sites) {
            marked.add(s == null ? null : s.underAttack(true));
        }
        return new RampartConfig(listeners, admin, trustedProxies, allow, deny, limits, timeouts, connections,
                http, http2, limiter, accessLog, challenge, knownUsers, admission, shield, detection, dataDir, incidents, alerts, acme, firewall, cluster, marked);
    }
}

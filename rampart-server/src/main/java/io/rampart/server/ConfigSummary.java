package io.rampart.server;

import io.rampart.config.DetectionConfig;
import io.rampart.config.Durations;
import io.rampart.config.LimitsConfig;
import io.rampart.config.ListenerConfig;
import io.rampart.config.RampartConfig;
import io.rampart.config.RateConfig;
import io.rampart.config.RouteConfig;
import io.rampart.config.SiteConfig;

/** A short human summary of a valid configuration (for {@code check-config} and start-up). */
final class ConfigSummary {
    private ConfigSummary() {
    }

    static String describe(String source, RampartConfig c) {
        StringBuilder sb = new StringBuilder();
        sb.append(source).append(": OK\n");
        sb.append("  listeners: ");
        for (int i = 0; i < c.listeners().size(); i++) {
            ListenerConfig l = c.listeners().get(i);
            sb.append(i == 0 ? "" : ", ").append(l.address()).append(l.proxyProtocol() ? " (PROXY protocol)" : "");
        }
        sb.append('\n');
        sb.append("  admin: ").append(c.admin().enabled() ? c.admin().address() : "off").append('\n');
        sb.append("  default limits: ").append(limits(c.limits())).append('\n');
        sb.append("  connections: ").append(c.connections().perClient()).append(" per client, ")
                .append(c.connections().total()).append(" total\n");
        if (!c.allow().isEmpty() || !c.deny().isEmpty() || !c.trustedProxies().isEmpty()) {
            sb.append("  lists: ").append(c.allow().size()).append(" allow, ").append(c.deny().size())
                    .append(" deny, ").append(c.trustedProxies().size()).append(" trusted proxies\n");
        }
        DetectionConfig d = c.detection();
        sb.append("  detection: ").append(!d.enabled() ? "off (static limits only)"
                : "every " + Durations.format(d.tick()) + ", rules up to " + d.maxStep() + (d.shadow() ? ", shadow only" : "")
                + ", state " + (c.effectiveStateDir() == null ? "not kept" : "in " + c.effectiveStateDir())).append('\n');
        sb.append("  data directory: ").append(c.dataDir() == null ? "none in the file (run uses ./rampart-data)" : c.dataDir()).append('\n');
        sb.append("  incidents: ").append(c.incidents().enabled() ? "close after " + io.rampart.config.Durations.format(c.incidents().closeAfter())
                + " of calm, kept " + io.rampart.config.Durations.format(c.incidents().retention())
                + (c.incidents().geoDatabases().isEmpty() ? "" : ", sources named from " + c.incidents().geoDatabases().size() + " geo database(s)")
                : "off").append('\n');
        int hooks = c.alerts().webhooks().size();
        sb.append("  alerts: ").append(hooks == 0 && c.alerts().email() == null ? "none"
                : hooks + (hooks == 1 ? " webhook" : " webhooks") + (c.alerts().email() == null ? "" : ", email to " + String.join(", ", c.alerts().email().to())))
                .append('\n');
        sb.append("  sites (").append(c.sites().size()).append("):\n");
        for (SiteConfig s : c.sites()) {
            sb.append("    ").append(s.name()).append(": ").append(String.join(", ", s.hosts()))
                    .append(" -> ").append(String.join(", ", s.upstreams())).append('\n');
            if (s.limits() != null) {
                sb.append("      limits: ").append(limits(s.limits().inherit(c.limits()))).append('\n');
            }
            if (s.pin() != null) {
                sb.append("      pinned at ").append(s.pin()).append('\n');
            }
            for (RouteConfig r : s.routes()) {
                LimitsConfig site = s.limits() == null ? c.limits() : s.limits().inherit(c.limits());
                sb.append("      route ").append(r.path()).append(": ").append(limits(r.limits().inherit(site))).append('\n');
            }
        }
        return sb.toString();
    }

    private static String limits(LimitsConfig l) {
        return rate("client", l.perClient()) + ", " + rate("prefix", l.perPrefix()) + ", then " + l.action();
    }

    private static String rate(String what, RateConfig r) {
        if (r == null || r.rate() == null) {
            return "no " + what + " limit";
        }
        String rate = r.rate() == Math.rint(r.rate()) ? Long.toString(r.rate().longValue()) : r.rate().toString();
        return rate + "/s per " + what + " (burst " + r.burst() + ")";
    }
}

package io.rampart.proxy;

import io.rampart.config.RampartConfig;
import io.rampart.config.SiteConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which differences between the running configuration and a new one a reload cannot apply.
 * Listeners and the admin listener are bound sockets; the site list, detection, admission,
 * challenge and known-user settings, the limiter table, incidents and alerts hold state that
 * was built for them (baselines per site, adaptive limits, challenge keys, open incidents).
 * Everything else (hosts, origins, limits, routes, lists, timeouts, connection caps, HTTP
 * limits, the shield, trusted proxies, under-attack flags, pins) reloads in place.
 */
final class Reloads {
    private Reloads() {
    }

    /** The settings that differ and need a restart, each named by its path; empty when the reload can go ahead. */
    static List<String> needsRestart(RampartConfig running, RampartConfig next) {
        List<String> out = new ArrayList<>();
        same(out, "listeners", running.listeners(), next.listeners());
        same(out, "admin", running.admin(), next.admin());
        same(out, "dataDir", running.dataDir(), next.dataDir());
        same(out, "accessLog", running.accessLog(), next.accessLog());
        same(out, "limiter", running.limiter(), next.limiter());
        same(out, "admission", running.admission(), next.admission());
        same(out, "challenge", running.challenge(), next.challenge());
        same(out, "knownUsers", running.knownUsers(), next.knownUsers());
        same(out, "detection", running.detection(), next.detection());
        same(out, "incidents", running.incidents(), next.incidents());
        same(out, "alerts", running.alerts(), next.alerts());
        same(out, "sites (names and order)", names(running.sites()), names(next.sites()));
        return out;
    }

    private static List<String> names(List<SiteConfig> sites) {
        List<String> n = new ArrayList<>();
        for (SiteConfig s : sites) {
            n.add(s.name());
        }
        return n;
    }

    private static void same(List<String> out, String path, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            out.add(path);
        }
    }
}

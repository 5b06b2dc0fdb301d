package io.rampart.proxy;

import io.rampart.config.RampartConfig;
import io.rampart.config.SiteConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Which differences between the running configuration and a new one a reload cannot apply.
 * Listeners (their addresses and protocols; certificate files reload in place) and the admin
 * listener are bound sockets; the on/off switches of admission, detection and incidents, the
 * challenge's secret and key rotation, known users per address, the limiter table's size, the
 * geo databases and the detector's tick, half-life and state directory shape state that was built
 * for them (signing keys, shared-address learning, baselines learned at that tick), and ACME sites
 * need the certificate manager built at start. Everything else applies in place
 * (configuration.md, "Reloading", lists it); the access log is opened again on every reload, so a
 * reload after logrotate moved the file starts a new one.
 */
final class Reloads {
    private Reloads() {
    }

    /** The settings that differ and need a restart, each named by its path; empty when the reload can go ahead. */
    static List<String> needsRestart(RampartConfig running, RampartConfig next) {
        List<String> out = new ArrayList<>();
        same(out, "listeners", bindings(running.listeners()), bindings(next.listeners()));
        same(out, "admin", running.admin(), next.admin());
        same(out, "dataDir", running.dataDir(), next.dataDir());
        same(out, "limiter", running.limiter(), next.limiter());
        same(out, "admission.enabled", running.admission().enabled(), next.admission().enabled());
        same(out, "challenge.secret", running.challenge().secret(), next.challenge().secret());
        same(out, "challenge.keyRotation", running.challenge().keyRotation(), next.challenge().keyRotation());
        same(out, "knownUsers.usersPerAddress", running.knownUsers().usersPerAddress(), next.knownUsers().usersPerAddress());
        same(out, "detection.enabled", running.detection().enabled(), next.detection().enabled());
        same(out, "detection.tick", running.detection().tick(), next.detection().tick());
        same(out, "detection.stateDir", running.detection().stateDir(), next.detection().stateDir());
        same(out, "detection.baselineHalfLife", running.detection().baselineHalfLife(), next.detection().baselineHalfLife());
        same(out, "incidents.enabled", running.incidents().enabled(), next.incidents().enabled());
        same(out, "incidents.geoDatabases", running.incidents().geoDatabases(), next.incidents().geoDatabases());
        same(out, "acme", running.acme(), next.acme());
        same(out, "sites[].acme", acmeSites(running.sites()), acmeSites(next.sites()));
        return out;
    }

    /** What a listener binds and speaks; its certificate files reload in place. */
    private static List<String> bindings(List<io.rampart.config.ListenerConfig> listeners) {
        List<String> out = new ArrayList<>();
        for (io.rampart.config.ListenerConfig l : listeners) {
            out.add(l.address() + " proxy=" + l.proxyProtocol() + " h2c=" + l.h2c() + (l.secure()
                    ? " tls engine=" + l.tls().engine() + " protocols=" + l.tls().protocols() + " h2=" + l.tls().http2() : ""));
        }
        return out;
    }

    private static List<String> acmeSites(List<SiteConfig> sites) {
        List<String> n = new ArrayList<>();
        for (SiteConfig s : sites) {
            if (s.acme()) {
                n.add(s.name() + "=" + s.hosts());
            }
        }
        return n;
    }

    private static void same(List<String> out, String path, Object a, Object b) {
        if (!Objects.equals(a, b)) {
            out.add(path);
        }
    }
}

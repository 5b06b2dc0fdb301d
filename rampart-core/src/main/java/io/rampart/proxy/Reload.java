package io.rampart.proxy;

import io.rampart.admission.AdmissionGate;
import io.rampart.config.AdmissionConfig;
import io.rampart.config.ListenerConfig;
import io.rampart.config.RampartConfig;
import io.rampart.config.SiteConfig;
import io.rampart.detect.ControlPlane;
import io.rampart.incident.Alerts;
import io.rampart.incident.Incidents;
import io.rampart.shield.Shield;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns the running configuration into a new one, in place: {@link #needsRestart} says which
 * differences a reload cannot apply, {@link #apply} builds the new {@link GatewayRuntime} and
 * retunes the long-lived {@link SharedState} (lists, control plane, incidents, admission gates),
 * and decides what the new runtime keeps of the old one (the connection gate and the shield when
 * their settings did not change, the under-attack switches the operator set).
 *
 * <p>What cannot change without a restart:
 * Listeners (their addresses and protocols; certificate files reload in place) and the admin
 * listener are bound sockets; the on/off switches of admission, detection and incidents, the
 * challenge's secret and key rotation, known users per address, the limiter table's size, the
 * geo databases, the firewall and cluster sections and the detector's tick, half-life and state directory shape state that was built
 * for them (signing keys, shared-address learning, baselines learned at that tick), and ACME sites
 * need the certificate manager built at start. Everything else applies in place
 * (configuration.md, "Reloading", lists it); the access log is opened again on every reload, so a
 * reload after logrotate moved the file starts a new one.
 */
final class Reload {
    private static final Logger LOG = LoggerFactory.getLogger(Reload.class);

    private Reload() {
    }

    /**
     * The runtime for {@code next}, built from {@code old}'s long-lived state, with that state
     * retuned to {@code next}. Nothing serves on it until the caller publishes it.
     *
     * @param log the access log for {@code next} (opened again on every reload)
     */
    static GatewayRuntime apply(GatewayRuntime old, RampartConfig next, AccessLog log) {
        SharedState shared = old.shared;
        ConnectionGate gate = old.config.connections().equals(next.connections()) ? old.gate
                : GatewayRuntime.connectionGate(next, shared);
        Shield shield = old.config.shield().equals(next.shield()) ? old.shield
                : next.shield().enabled() ? new Shield(next.shield(), shared.ticker) : null;
        GatewayRuntime fresh = new GatewayRuntime(next, shared, log, gate, shield, sc -> underAttack(old, sc));
        AdmissionConfig adm = next.admission();
        for (Site s : fresh.sites) {
            AdmissionGate g = s.admission();
            if (g != null) {
                // the learned limit and the requests in flight stay; the settings are the new ones
                g.tune(adm.knownReserve(), adm.suspectShare(), adm.queueSize());
                g.limit().bounds(adm.minLimit(), adm.maxLimit());
            }
        }
        shared.lists.reconfigure(next.allow(), next.deny());
        ControlPlane control = shared.control;
        if (control != null) {
            if (!old.config.detection().equals(next.detection())) {
                control.tune(next.detection());
                LOG.info("detection settings tuned (shadow {}, maxStep {})", next.detection().shadow(), next.detection().maxStep());
            }
            control.sites(fresh.controlSpecs()); // published before the new runtime serves a request
            for (SiteConfig now : next.sites()) {
                SiteConfig was = old.siteConfig(now.name());
                if (was != null && was.pin() != now.pin()) {
                    control.pin(now.name(), now.pin());
                }
            }
        }
        Incidents incidents = shared.incidents;
        if (incidents != null) {
            incidents.config(next.incidents());
            incidents.sites(fresh.slots());
            if (!old.config.alerts().equals(next.alerts())) {
                incidents.alerts(Alerts.of(next.alerts()).metered(old.metrics::alertDelivery));
                LOG.info("alert receivers reconfigured: {} webhooks, email {}", next.alerts().webhooks().size(),
                        next.alerts().email() == null ? "off" : "on");
            }
            if (!old.config.alerts().equals(next.alerts()) || !old.config.incidents().cert().equals(next.incidents().cert())) {
                incidents.cert(Alerts.cert(next.incidents().cert(), next.alerts(), incidents::reporter));
            }
        }
        return fresh;
    }

    /** A site's under-attack switch after the reload: the file's value if it changed there (or the site is new), else the one the operator set. */
    private static boolean underAttack(GatewayRuntime old, SiteConfig sc) {
        Site before = old.site(sc.name());
        SiteConfig was = old.siteConfig(sc.name());
        return before == null || was.underAttack() != sc.underAttack() ? sc.underAttack() : before.underAttack();
    }

    /** What a reload applied, such as "2 sites (added: shop; removed: none)". */
    static String describe(GatewayRuntime old, GatewayRuntime fresh) {
        List<String> added = new ArrayList<>();
        List<String> removed = new ArrayList<>();
        for (Site s : fresh.sites) {
            if (old.site(s.name()) == null) {
                added.add(s.name());
            }
        }
        for (Site s : old.sites) {
            if (fresh.site(s.name()) == null) {
                removed.add(s.name());
            }
        }
        int n = fresh.sites.size();
        String changes = added.isEmpty() && removed.isEmpty() ? ""
                : " (added: " + (added.isEmpty() ? "none" : String.join(", ", added))
                + "; removed: " + (removed.isEmpty() ? "none" : String.join(", ", removed)) + ")";
        return n + (n == 1 ? " site" : " sites") + changes;
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
        same(out, "firewall", running.firewall(), next.firewall());
        same(out, "cluster", running.cluster(), next.cluster());
        same(out, "sites[].acme", acmeSites(running.sites()), acmeSites(next.sites()));
        return out;
    }

    /** What a listener binds and speaks; its certificate files reload in place. */
    private static List<String> bindings(List<ListenerConfig> listeners) {
        List<String> out = new ArrayList<>();
        for (ListenerConfig l : listeners) {
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

package io.rampart.incident;

import io.rampart.config.IncidentsConfig;
import io.rampart.detect.ControlListener;
import io.rampart.detect.RuleEvent;
import io.rampart.detect.SiteState;
import io.rampart.detect.TickFacts;
import io.rampart.detect.Transition;
import io.rampart.geo.GeoLookup;
import io.rampart.geo.SourceOrigin;
import io.rampart.traffic.Dimension;
import io.rampart.traffic.TrafficRecorder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every site's incidents: opened when the detector declares an attack (or an operator, or the
 * under-attack switch, says so), fed every tick while open, closed once the site has been normal
 * for {@code incidents.closeAfter} (incidents opened by hand close by hand). Every state change,
 * rule event, operator action and alert lands in the timeline with its numbers.
 *
 * <p>Runs on the control plane's thread for ticks and on admin threads for operator actions, all
 * under this object's lock; the store is written and alerts are sent from threads of their own,
 * so neither a slow disk nor a slow webhook can hold up detection.
 */
public final class Incidents implements ControlListener, AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Incidents.class);
    private static final DateTimeFormatter ID_TIME = DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss").withZone(ZoneOffset.UTC);
    private static final long SAVE_EVERY_MILLIS = 5_000;
    private static final long SHARE_EVERY_MILLIS = 1_000;
    private static final long ESCALATION_ALERT_GAP_MILLIS = 60_000;

    /** Replaced by a reload ({@link #config(IncidentsConfig)}); read under this object's lock and by the purge. */
    private volatile IncidentsConfig config;
    private final IncidentStore store;
    /** Replaced by a reload that changes {@code alerts}; read by the control-plane thread. */
    private volatile Alerts alerts;
    /** Where reports go when sent to the national CERT ({@code incidents.cert}); none by default. */
    private volatile Alerts cert = new Alerts(List.of(), 1, Duration.ofSeconds(1));
    private final Clock clock;
    private final GatewayCounters counters;
    private final String node;
    private final Map<String, SiteBook> sites = new LinkedHashMap<>();
    private final ScheduledExecutorService writer;
    private final GeoLookup geo;
    private final Map<String, IncidentRecord> unsaved = new ConcurrentHashMap<>();

    /** One site's incident state and what normal looked like there. */
    private static final class SiteBook {
        final String name;
        /** The site's slot in the gateway's counters. */
        int index;
        Incident open;
        long lastSharedMillis;
        /** Whether this node opened {@link #open} (in a cluster, only the opener sends its alerts). */
        boolean leader = true;
        long ticks;
        final Ewma rps = new Ewma();
        final Ewma knownErrorRate = new Ewma();
        final Ewma knownLatencyMs = new Ewma();
        final Ewma anonymousBytesPerSecond = new Ewma();
        long lastSavedMillis;
        boolean dirty;
        long lastEscalationAlert;
        List<LiveSource> liveSources = List.of();
        SourceGroups sourceGroups = SourceGroups.NONE;

        SiteBook(String name, int index) {
            this.name = name;
            this.index = index;
        }
    }

    /**
     * A mean of normal ticks with a ten-minute memory at two ticks a second: the plain average
     * while it has fewer than 1,200 samples (so a quiet first tick does not weigh for minutes),
     * then exponentially weighted.
     */
    private static final class Ewma {
        private static final double ALPHA = 1.0 / 1200;
        double value;
        long samples;

        void add(double v) {
            samples++;
            value += Math.max(ALPHA, 1.0 / samples) * (v - value);
        }

        Double known() {
            return samples >= 20 ? value : null;
        }
    }

    public Incidents(IncidentsConfig config, List<String> siteNames, IncidentStore store, Alerts alerts, Clock clock,
                     GatewayCounters counters, String node) {
        this(config, siteNames, store, alerts, clock, counters, node, GeoLookup.NONE);
    }

    /** As above, naming the autonomous systems and countries of refused sources from {@code geo}. */
    public Incidents(IncidentsConfig config, List<String> siteNames, IncidentStore store, Alerts alerts, Clock clock,
                     GatewayCounters counters, String node, GeoLookup geo) {
        this.config = config;
        this.geo = geo;
        this.store = store;
        this.alerts = alerts;
        this.clock = clock;
        this.counters = counters;
        this.node = node;
        for (int i = 0; i < siteNames.size(); i++) {
            sites.put(siteNames.get(i), new SiteBook(siteNames.get(i), i));
        }
        this.writer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rampart-incidents");
            t.setDaemon(true);
            return t;
        });
        adoptOpenIncidents();
        // at start and then hourly: a gateway runs for months, retention must not wait for a restart
        writer.scheduleWithFixedDelay(this::purge, 0, 1, TimeUnit.HOURS);
    }

    /**
     * Keeps books for exactly these sites, in this order (a reload added, removed or reordered
     * sites): a kept site keeps its open incident and what normal looked like there, a new one
     * starts a book, and a removed site's open incident is closed, saying why.
     *
     * @param slots each site's slot in the gateway's counters, by name
     */
    public synchronized void sites(Map<String, Integer> slots) {
        Instant now = clock.instant();
        for (SiteBook b : sites.values()) {
            if (!slots.containsKey(b.name) && b.open != null) {
                close(b, now, "configuration", "closed: the site was removed from the configuration");
            }
        }
        Map<String, SiteBook> next = new LinkedHashMap<>();
        slots.forEach((name, slot) -> {
            SiteBook b = sites.get(name);
            if (b == null) {
                b = new SiteBook(name, slot);
            }
            b.index = slot;
            next.put(name, b);
        });
        sites.clear();
        sites.putAll(next);
    }

    /**
     * Takes new settings (a reload): {@code closeAfter} applies to the next calm tick, {@code
     * bulkResponse} to incidents opened from now on, {@code retention} to the next hourly purge.
     */
    public void config(IncidentsConfig next) {
        this.config = next;
    }

    /** Who reports this gateway's incidents and how reports are marked ({@code incidents.reporter}, reloadable). */
    public Reporter reporter() {
        return Reporter.of(config.reporter());
    }

    /** An incident left open by a previous run is closed: its figures cannot be continued. */
    private void adoptOpenIncidents() {
        for (IncidentRecord r : store.list(200)) {
            if (r.open()) {
                List<IncidentRecord.TimelineEntry> t = new ArrayList<>(r.timeline());
                Instant now = clock.instant();
                t.add(new IncidentRecord.TimelineEntry(now, "incident", "closed at start-up: Rampart stopped while the incident was open"));
                store.save(new IncidentRecord(r.id(), r.site(), IncidentRecord.CLOSED, r.openedAt(), r.openedBy(), r.attackStartedAt(),
                        r.mitigatedAt(), now, "restart", r.node(), r.vectors(), r.profile(), r.mitigation(), r.impact(), r.egress(),
                        r.rules(), t, r.timelineDropped(), r.series()));
            }
        }
    }

    private void purge() {
        try {
            int n = store.purgeClosedBefore(clock.instant().minus(config.retention()));
            if (n > 0) {
                LOG.info("deleted {} incidents closed more than {} ago (incidents.retention)", n, config.retention());
            }
        } catch (RuntimeException e) {
            LOG.warn("could not purge old incidents: {}", e.getMessage());
        }
    }

    // ------------------------------------------------------------------ control plane

    @Override
    public synchronized void tick(TickFacts f) {
        SiteBook b = sites.get(f.site());
        if (b == null) {
            return;
        }
        b.ticks++;
        TrafficRecorder.Tick t = f.traffic();
        Instant at = f.at();
        if (b.ticks % 4 == 0) {
            Map<String, NetworkLoad> byNetwork = loadByNetwork(t, f.seconds());
            b.liveSources = topSources(byNetwork, geo);
            b.sourceGroups = SourceGroups.of(byNetwork, geo);
        }
        SiteState state = f.state();
        Incident open = b.open;
        if (open == null && state == SiteState.ATTACK) {
            open = open(b, at, "detector", false, null);
            open.attackStartedAt = at;
        }
        if (open == null) {
            if (state == SiteState.NORMAL) {
                learnNormal(b, t, f.seconds());
            }
            return;
        }
        if (state == SiteState.ATTACK && open.attackStartedAt == null) {
            open.attackStartedAt = at;
        }
        open.add(at, f.seconds(), t, open.attackStartedAt == null ? List.of() : f.rules(), counters, b.index, f::commonSoftware);
        b.dirty = true;
        if (!open.manual && state == SiteState.NORMAL) {
            if (open.calmSince == null) {
                open.calmSince = at;
            } else if (Duration.between(open.calmSince, at).compareTo(config.closeAfter()) >= 0) {
                close(b, at, "detector", "closed: the site has been normal for " + io.rampart.config.Durations.format(config.closeAfter()));
                return;
            }
        } else {
            open.calmSince = null;
        }
        saveIfDue(b, false);
    }

    private void learnNormal(SiteBook b, TrafficRecorder.Tick t, double seconds) {
        b.rps.add(t.requests / seconds);
        if (t.known > 0) {
            b.knownErrorRate.add((double) (t.knownRefused + t.knownErrors) / t.known);
        }
        if (t.knownAnswers > 0) {
            b.knownLatencyMs.add(t.knownMicros / 1000.0 / t.knownAnswers);
        }
        b.anonymousBytesPerSecond.add(t.anonymousBytes / seconds);
    }

    /** The busiest /24 (/64) networks of one tick, in requests per second, with the share refused. */
    /** The tick's sampled requests per network: requests per second and refused per second (estimates). */
    private static Map<String, NetworkLoad> loadByNetwork(TrafficRecorder.Tick t, double seconds) {
        Map<String, NetworkLoad> byNetwork = new java.util.HashMap<>();
        double weight = t.scale() / seconds;
        int step = Math.max(1, t.sampled / 1024);
        for (int i = 0; i < t.sampled; i += step) {
            NetworkLoad c = byNetwork.computeIfAbsent(t.describe(i, Dimension.NETWORK), k -> new NetworkLoad());
            c.sample = t.client(i);
            c.total += weight * step;
            if ((t.flags(i) & TrafficRecorder.REFUSED) != 0) {
                c.refused += weight * step;
            }
        }
        return byNetwork;
    }

    private static List<LiveSource> topSources(Map<String, NetworkLoad> byNetwork, GeoLookup geo) {
        List<LiveSource> out = new ArrayList<>();
        byNetwork.entrySet().stream().sorted((a, b) -> Double.compare(b.getValue().total, a.getValue().total)).limit(10)
                .forEach(e -> {
                    SourceOrigin o = geo.lookup(e.getValue().sample.inetAddress());
                    out.add(new LiveSource(e.getKey(), o.asLabel(), o.country(), Math.round(e.getValue().total * 10) / 10.0,
                            Math.round(e.getValue().refused / e.getValue().total * 1000) / 1000.0));
                });
        return out;
    }

    static final class NetworkLoad {
        double total;
        double refused;
        io.rampart.traffic.ClientAddress sample;
    }

    /** The live sources grouped by autonomous system and by country, each with its heaviest networks (empty without geo databases). */
    public synchronized SourceGroups sourceGroups(String site) {
        SiteBook b = sites.get(site);
        return b == null ? SourceGroups.NONE : b.sourceGroups;
    }

    /**
     * One network in the live view: requests per second and the share refused, with its
     * autonomous system and country when a geo database is configured (else null).
     */
    public record LiveSource(String network, String autonomousSystem, String country, double requestsPerSecond, double refusedShare) {
    }

    @Override
    public synchronized void transition(Transition t) {
        SiteBook b = sites.get(t.site());
        if (b == null) {
            return;
        }
        if (b.open == null && t.to() == SiteState.ATTACK) {
            Incident i = open(b, t.at(), "detector", false, null);
            i.attackStartedAt = t.at();
        }
        if (b.open != null) {
            b.open.note(t.at(), "state", t.from().id() + " -> " + t.to().id() + ": " + t.why());
            b.dirty = true;
            if (t.to() == SiteState.ATTACK && t.from() != SiteState.SUSPECT && t.from() != SiteState.NORMAL) {
                escalated(b, t.at(), "attack resumed: " + t.why());
            }
            saveIfDue(b, true);
        }
    }

    @Override
    public synchronized void event(String site, RuleEvent e) {
        SiteBook b = sites.get(site);
        if (b == null || b.open == null) {
            return;
        }
        Instant at = clock.instant();
        b.open.note(at, e.category(), e.text());
        if (b.open.mitigatedAt == null && b.open.attackStartedAt != null && e.mitigates()) {
            b.open.mitigatedAt = at;
        }
        b.dirty = true;
        if (e.escalates()) {
            escalated(b, at, e.text());
        }
        saveIfDue(b, true);
    }

    private void escalated(SiteBook b, Instant at, String why) {
        if (!b.leader) {
            return; // the node that opened the cluster's incident sends its alerts
        }
        long now = at.toEpochMilli();
        if (now - b.lastEscalationAlert < ESCALATION_ALERT_GAP_MILLIS) {
            return;
        }
        b.lastEscalationAlert = now;
        alert(Alert.Kind.ESCALATED, b.open, why);
    }

    // ------------------------------------------------------------------ operators

    /**
     * Opens an incident on {@code site} by hand (or returns the one already open, noting why).
     *
     * @throws IllegalArgumentException for an unknown site
     */
    /**
     * Sends the next alerts through {@code next} (a reload changed the receivers). The previous
     * notifiers finish what they already have queued, retries included, then stop; nothing is
     * sent twice and nothing already queued is lost.
     */
    public void alerts(Alerts next) {
        Alerts before = alerts;
        alerts = next;
        if (before != null) {
            before.retire();
        }
    }

    /** Sends the next reports to the CERT through {@code next} (at start, and when a reload changes them). */
    public void cert(Alerts next) {
        Alerts before = cert;
        cert = next;
        if (before != null) {
            before.retire();
        }
    }

    /** The CERT's destinations, empty when {@code incidents.cert} names none. */
    public List<String> certDestinations() {
        return cert.names();
    }

    /**
     * Queues incident {@code id}'s report (the whole cluster's figures so far) for the CERT's
     * destinations and notes it in the timeline with {@code who}; each delivery, or its failure
     * after the retries, is noted there too. Works on open and closed incidents.
     *
     * @return the destinations
     * @throws IllegalStateException   when no destination is configured
     * @throws java.util.NoSuchElementException for an unknown incident
     */
    public List<String> sendToCert(String id, String who) {
        Alerts to = cert;
        if (!to.any()) {
            throw new IllegalStateException("no CERT destination: set incidents.cert.to (mail through alerts.email) or incidents.cert.url");
        }
        IncidentRecord r = find(id).orElseThrow(() -> new java.util.NoSuchElementException("no incident '" + id + "'"));
        noteAnywhere(id, "cert", "report to the CERT queued by " + who + " for " + String.join(", ", to.names())
                + (r.open() ? " (figures so far)" : ""));
        to.send(new Alert(Alert.Kind.REPORT, r, "sent by " + who), (incident, text) -> noteAnywhere(incident, "cert", text));
        return to.names();
    }

    /** A note on incident {@code id}, open (in memory) or closed (its stored record is rewritten). */
    private synchronized void noteAnywhere(String id, String kind, String text) {
        Instant now = clock.instant();
        for (SiteBook b : sites.values()) {
            if (b.open != null && b.open.id.equals(id)) {
                b.open.note(now, kind, text);
                b.dirty = true;
                saveIfDue(b, true);
                return;
            }
        }
        IncidentRecord pending = unsaved.get(id);
        Optional<IncidentRecord> stored = pending != null ? Optional.of(pending) : store.find(id);
        if (stored.isPresent()) {
            persist(stored.get().withNote(new IncidentRecord.TimelineEntry(now, kind, text)));
        } else {
            LOG.info("incident {}: {}", id, text);
        }
    }

    public synchronized IncidentRecord openByOperator(String site, String who, String why) {
        SiteBook b = book(site);
        Instant at = clock.instant();
        if (b.open != null) {
            b.open.note(at, "operator", who + ": " + why);
            b.dirty = true;
            saveIfDue(b, true);
            return b.open.toRecord();
        }
        Incident i = open(b, at, who, true, why);
        return i.toRecord();
    }

    /**
     * Closes an open incident by hand.
     *
     * @return the closed record, or empty when no open incident has that id
     */
    public synchronized Optional<IncidentRecord> closeByOperator(String id, String who, String why) {
        for (SiteBook b : sites.values()) {
            if (b.open != null && b.open.id.equals(id)) {
                IncidentRecord r = close(b, clock.instant(), who, "closed by " + who + (why == null || why.isBlank() ? "" : ": " + why));
                return Optional.of(r);
            }
        }
        return Optional.empty();
    }

    /**
     * Records an operator's action in the timeline of the site's open incident (every site's when
     * {@code site} is null) and in the log.
     */
    public synchronized void audit(String site, String who, String text) {
        LOG.info("admin: {}: {}{}", who, text, site == null ? "" : " (site " + site + ")");
        Instant at = clock.instant();
        for (SiteBook b : sites.values()) {
            if (b.open != null && (site == null || b.name.equals(site))) {
                b.open.note(at, "operator", who + ": " + text);
                b.dirty = true;
                saveIfDue(b, true);
            }
        }
    }

    /**
     * Records what the kernel firewall did (sources dropped, sources taken out) in every open
     * incident's timeline: the kernel drops for every site at once.
     */
    public synchronized void firewall(String text) {
        Instant at = clock.instant();
        for (SiteBook b : sites.values()) {
            if (b.open != null) {
                b.open.note(at, "firewall", text);
                b.dirty = true;
                saveIfDue(b, false);
            }
        }
    }

    /** Adds a line to an incident's timeline (an alert's delivery); ignored when it is closed. */
    synchronized void noteDelivery(String id, String text) {
        for (SiteBook b : sites.values()) {
            if (b.open != null && b.open.id.equals(id)) {
                b.open.note(clock.instant(), "notification", text);
                b.dirty = true;
                saveIfDue(b, false);
                return;
            }
        }
        LOG.info("incident {}: {}", id, text);
    }

    // ------------------------------------------------------------------ reading

    /** The incident, fresh from memory while open, else from the store. */
    public Optional<IncidentRecord> find(String id) {
        Optional<IncidentRecord> mine = findHere(id);
        List<IncidentRecord> others = registry.others(id);
        if (others.isEmpty()) {
            return mine;
        }
        List<IncidentRecord> all = new ArrayList<>();
        mine.ifPresent(all::add);
        for (IncidentRecord o : others) {
            if (mine.isEmpty() || !o.node().equals(mine.get().node())) {
                all.add(o);
            }
        }
        return Optional.of(IncidentMerge.merge(all));
    }

    /** This node's own record of the incident (without the other nodes' of a cluster). */
    public synchronized Optional<IncidentRecord> findHere(String id) {
        for (SiteBook b : sites.values()) {
            if (b.open != null && b.open.id.equals(id)) {
                return Optional.of(b.open.toRecord());
            }
        }
        IncidentRecord pending = unsaved.get(id);
        return pending != null ? Optional.of(pending) : store.find(id);
    }

    /** The most recent incidents first (open ones with their live figures, unsaved ones as they stand). */
    public synchronized List<IncidentRecord> list(int limit) {
        Map<String, IncidentRecord> newest = new LinkedHashMap<>();
        for (IncidentRecord r : store.list(limit)) {
            newest.put(r.id(), r);
        }
        newest.putAll(unsaved);
        List<IncidentRecord> out = new ArrayList<>();
        for (IncidentRecord r : newest.values()) {
            Optional<IncidentRecord> live = r.open() ? openRecord(r.id()) : Optional.empty();
            out.add(live.orElse(r));
        }
        out.sort(Comparator.comparing(IncidentRecord::openedAt).reversed());
        return out.size() > limit ? new ArrayList<>(out.subList(0, limit)) : out;
    }

    private Optional<IncidentRecord> openRecord(String id) {
        for (SiteBook b : sites.values()) {
            if (b.open != null && b.open.id.equals(id)) {
                return Optional.of(b.open.toRecord());
            }
        }
        return Optional.empty();
    }

    /** How many sites have an open incident now (for {@code rampart_incidents_open}). */
    public synchronized int openCount() {
        int n = 0;
        for (SiteBook b : sites.values()) {
            n += b.open == null ? 0 : 1;
        }
        return n;
    }

    /** The id of the site's open incident, or null. */
    public synchronized String openIncident(String site) {
        SiteBook b = sites.get(site);
        return b == null || b.open == null ? null : b.open.id;
    }

    /** The busiest networks of the site in a recent tick, with the share refused (for the dashboard). */
    public synchronized List<LiveSource> liveSources(String site) {
        SiteBook b = sites.get(site);
        return b == null ? List.of() : b.liveSources;
    }

    // ------------------------------------------------------------------ lifecycle

    private SiteBook book(String site) {
        SiteBook b = sites.get(site);
        if (b == null) {
            throw new IllegalArgumentException("no site named '" + site + "' (sites: " + String.join(", ", sites.keySet()) + ")");
        }
        return b;
    }

    private volatile IncidentRegistry registry = IncidentRegistry.LOCAL;

    /** Where the nodes of a cluster agree on one incident per attack ({@link IncidentRegistry#LOCAL} without one). */
    public void registry(IncidentRegistry r) {
        this.registry = r == null ? IncidentRegistry.LOCAL : r;
    }

    private Incident open(SiteBook b, Instant at, String by, boolean manual, String why) {
        IncidentRegistry.Claim claim = registry.claim(b.name, b.name + "-" + ID_TIME.format(at));
        String id = claim.id();
        b.leader = claim.leader();
        Incident.Before before = new Incident.Before(b.rps.known(), b.knownErrorRate.known(), b.knownLatencyMs.known(),
                b.anonymousBytesPerSecond.known());
        Incident i = new Incident(id, b.name, at, by, manual, before, node, counters, b.index, config.bulkResponse().bytes(), geo);
        i.note(at, "incident", "opened by " + by + (why == null || why.isBlank() ? "" : ": " + why)
                + (before.requestsPerSecond() == null ? "" : String.format(java.util.Locale.ROOT, " (normal rate %.1f requests/s)", before.requestsPerSecond())));
        if (!claim.leader()) {
            i.note(at, "incident", "joined the cluster's incident, opened by node " + claim.openedBy());
        }
        b.open = i;
        b.dirty = true;
        LOG.warn("incident {} opened on site {} by {}{}", id, b.name, by, claim.leader() ? "" : " (the cluster's, opened by node "
                + claim.openedBy() + ": its alerts come from there)");
        saveIfDue(b, true);
        if (claim.leader()) {
            alert(Alert.Kind.OPENED, i, why == null ? "opened by " + by : why);
        }
        return i;
    }

    private IncidentRecord close(SiteBook b, Instant at, String by, String text) {
        Incident i = b.open;
        i.closedAt = at;
        i.closedBy = by;
        i.note(at, "incident", text);
        b.open = null;
        IncidentRecord r = i.toRecord();
        persist(r);
        registry.release(b.name, i.id);
        LOG.info("incident {} on site {} closed ({})", i.id, b.name, text);
        if (b.leader) {
            alert(Alert.Kind.CLOSED, r, text);
            Alerts to = cert;
            boolean reported = r.timeline().stream().anyMatch(e -> "cert".equals(e.kind()) && e.text().startsWith("CERT report sent to"));
            if (reported && to.any() && config.cert().updateOnClose()) {
                writer.execute(() -> { // the cluster's whole record, read off this lock
                    IncidentRecord whole = find(r.id()).orElse(r);
                    noteAnywhere(r.id(), "cert", "update to the CERT queued for " + String.join(", ", to.names()) + ": the incident is over");
                    to.send(new Alert(Alert.Kind.UPDATE, whole, "closed"), (incident, t) -> noteAnywhere(incident, "cert", t));
                });
            }
        }
        return r;
    }

    private void alert(Alert.Kind kind, Incident i, String why) {
        alert(kind, i.toRecord(), why);
    }

    private void alert(Alert.Kind kind, IncidentRecord r, String why) {
        if (alerts != null && alerts.any()) {
            alerts.send(new Alert(kind, r, why), this::noteDelivery);
        }
    }

    private void saveIfDue(SiteBook b, boolean now) {
        if (b.open == null || !b.dirty) {
            return;
        }
        long millis = clock.millis();
        IncidentRegistry cluster = registry;
        if (cluster != IncidentRegistry.LOCAL && millis - b.lastSharedMillis >= SHARE_EVERY_MILLIS) {
            b.lastSharedMillis = millis; // the other nodes' reports read this node's figures at most a second old
            cluster.contribute(b.open.toRecord());
        }
        if (!now && millis - b.lastSavedMillis < SAVE_EVERY_MILLIS) {
            return;
        }
        b.lastSavedMillis = millis;
        b.dirty = false;
        IncidentRecord r = b.open.toRecord();
        persist(r);
    }

    /**
     * Hands a record to the writer thread. Until it is in the store it is kept in {@link #unsaved},
     * so a reader never sees an older stored version of an incident just closed or noted.
     */
    private void persist(IncidentRecord r) {
        unsaved.put(r.id(), r);
        writer.execute(() -> save(r));
        registry.contribute(r);
    }

    private void save(IncidentRecord r) {
        try {
            store.save(r);
        } catch (RuntimeException e) {
            LOG.error("could not save incident {}: {}", r.id(), e.getMessage());
        } finally {
            unsaved.remove(r.id(), r);
        }
    }

    /** Waits until every record handed to the writer is saved (tests, shutdown). */
    public void flush() {
        try {
            writer.submit(() -> { }).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            LOG.warn("incident writer did not finish: {}", e.toString());
        }
    }

    /** Saves open incidents as they stand (they are closed as interrupted at the next start). */
    @Override
    public void close() {
        List<IncidentRecord> open = new ArrayList<>();
        synchronized (this) {
            for (SiteBook b : sites.values()) {
                if (b.open != null) {
                    open.add(b.open.toRecord());
                }
            }
        }
        for (IncidentRecord r : open) {
            persist(r);
        }
        flush();
        writer.shutdown();
        cert.close();
        if (alerts != null) {
            alerts.close();
        }
    }
}

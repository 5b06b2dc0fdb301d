package io.rampart.proxy;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.rampart.admission.AdaptiveLimit;
import io.rampart.geo.GeoLookup;
import io.rampart.incident.Alerts;
import io.rampart.incident.GatewayCounters;
import io.rampart.incident.IncidentStore;
import io.rampart.incident.Incidents;
import io.rampart.incident.SqliteIncidentStore;
import io.rampart.mitigate.AccessLists;
import io.rampart.mitigate.RefIds;
import io.rampart.mitigate.RefLedger;
import io.rampart.mitigate.Verdict;
import io.rampart.admission.AdmissionGate;
import io.rampart.admission.Lane;
import io.rampart.challenge.Gatekeeper;
import io.rampart.config.AdmissionConfig;
import io.rampart.config.LimitsConfig;
import io.rampart.config.RampartConfig;
import io.rampart.config.RateConfig;
import io.rampart.config.RouteConfig;
import io.rampart.config.SiteConfig;
import io.rampart.config.UpstreamUrl;
import io.rampart.metrics.GatewayMetrics;
import io.rampart.mitigate.GcraTable;
import io.rampart.mitigate.IpSet;
import io.rampart.mitigate.RateLimit;
import io.rampart.mitigate.RequestDecider;
import io.rampart.mitigate.SiteLimits;
import io.rampart.shield.Shield;
import io.rampart.shield.Snapshots;
import io.rampart.config.DetectionConfig;
import io.rampart.detect.ControlPlane;
import io.rampart.detect.StateStore;
import io.rampart.mitigate.Policy;
import io.rampart.mitigate.PolicyHolder;
import io.rampart.traffic.FeatureHasher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * Everything the data plane reads, compiled once from a {@link RampartConfig}: routing, limits,
 * lists, timeouts, responses, metrics and the access log. Immutable apart from counters.
 */
final class GatewayRuntime {
    final RampartConfig config;
    final SiteRouter router = new SiteRouter();
    final List<Site> sites = new ArrayList<>();
    final RequestDecider decider;
    final IpSet trustedProxies;
    final ConnectionGate gate;
    final GatewayMetrics metrics;
    final AccessLog accessLog;
    final ErrorResponses errors = new ErrorResponses();
    final Gatekeeper gatekeeper;
    /** The origin shield, or null when it is off. */
    final Shield shield;
    final Snapshots snapshots;
    final int shieldMaxObject;
    final long admissionQueueNanos;
    final UpstreamPool pool;
    final LongSupplier ticker;
    final long upstreamConnectMillis;
    final long upstreamResponseNanos;
    final long upstreamDownNanos;
    final long tunnelIdleNanos;
    final long maxBodyBytes;
    final int maxHeaders;
    /** The control plane's decisions, read once per request. */
    final PolicyHolder policy;
    /** The control plane, or null when detection is off. */
    final ControlPlane control;
    final FeatureHasher hasher;
    /** The per-client rate a {@code limit} rule allows. */
    final RateLimit ruleLimit;
    /** How long a request matching a {@code close} rule is held before its connection is closed. */
    final long closeHoldNanos;
    /** Requests between head and end of response, for graceful stop (shared across reloads). */
    final AtomicInteger inFlight;
    /** Recent requests by reference id, for the admin API. */
    final RefLedger refs;
    /** Open HTTP/2 streams per client (shared across reloads). */
    final StreamGate streams;
    /** Pending ACME HTTP-01 answers (shared across reloads). */
    final io.rampart.tls.AcmeChallenges acmeChallenges;
    /** Autonomous system and country of clients (incidents.geoDatabases; restart to change). */
    final GeoLookup geo;
    /** Allow and deny lists: the configuration's plus run-time entries. */
    final AccessLists lists;
    final GcraTable limiterTable;
    /** A response to an anonymous client this large is kept for the data-egress check. */
    final long bulkResponseBytes;
    final HttpDecoderConfig decoderConfig;
    /** Incident records, or null when {@code incidents.enabled} is off. */
    final Incidents incidents;
    final IncidentStore incidentStore;
    /** Each site's recorder and admission gate, by name, for the life of the process (shared across reloads). */
    final SiteMemory memory;
    volatile boolean draining;
    /** Bits of a limiter id below the site's slot: room for a site's own limits and those of its routes. */
    private static final int LIMIT_ID_BITS = 24;
    /** The limiter id of the per-client rate a {@code limit} rule allows (site ids start at 1). */
    private static final long RULE_LIMIT_ID = 0;

    GatewayRuntime(RampartConfig config, GatewayMetrics metrics, AccessLog accessLog, LongSupplier ticker) {
        this(config, metrics, accessLog, ticker, null);
    }

    /**
     * @param previous the runtime this one replaces on a reload (null at start): its learned and
     *                 shared state (recorders, admission gates, limiter table, control plane,
     *                 incidents, run-time list entries, challenge keys) carries over
     */
    GatewayRuntime(RampartConfig config, GatewayMetrics metrics, AccessLog accessLog, LongSupplier ticker,
                   GatewayRuntime previous) {
        this.config = config;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.ticker = ticker;
        this.inFlight = previous == null ? new AtomicInteger() : previous.inFlight;
        this.refs = previous == null ? new RefLedger() : previous.refs;
        this.streams = previous == null ? new StreamGate() : previous.streams;
        this.acmeChallenges = previous == null ? new io.rampart.tls.AcmeChallenges() : previous.acmeChallenges;
        this.geo = previous == null ? GeoLookup.open(config.incidents().geoDatabases()) : previous.geo;
        this.lists = previous == null ? new AccessLists(config.allow(), config.deny()) : previous.lists;
        this.trustedProxies = IpSet.parse(config.trustedProxies());
        this.limiterTable = previous == null ? new GcraTable(config.limiter().tableSize()) : previous.limiterTable;
        GcraTable table = limiterTable;
        this.decider = new RequestDecider(lists, table);
        this.policy = previous == null ? new PolicyHolder(Policy.quiet(config.sites().size())) : previous.policy;
        PolicyHolder published = policy;
        this.gate = previous != null && previous.config.connections().equals(config.connections()) ? previous.gate
                : new ConnectionGate(lists, config.connections().perClient(), config.connections().total(), metrics,
                        key -> published.get().sharedUsers(key));
        this.upstreamConnectMillis = config.timeouts().upstreamConnect().toMillis();
        this.upstreamResponseNanos = config.timeouts().upstreamResponse().toNanos();
        this.upstreamDownNanos = 10_000_000_000L;
        this.tunnelIdleNanos = config.timeouts().tunnelIdle().toNanos();
        this.maxBodyBytes = config.http().maxBodySize().bytes();
        this.maxHeaders = config.http().maxHeaders();
        this.bulkResponseBytes = config.incidents().bulkResponse().bytes();
        this.decoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength((int) config.http().maxRequestLine().bytes())
                .setMaxHeaderSize((int) config.http().maxHeaderSize().bytes())
                .setMaxChunkSize(64 * 1024)
                .setValidateHeaders(true)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true);
        this.pool = previous == null ? new UpstreamPool(UpstreamPool.MAX_IDLE_PER_UPSTREAM) : previous.pool;
        this.gatekeeper = previous != null
                ? new Gatekeeper(config.challenge(), config.knownUsers(), previous.gatekeeper.tickets(), System::currentTimeMillis)
                : new Gatekeeper(config.challenge(), config.knownUsers(), System::currentTimeMillis, ticker::getAsLong);
        boolean sameShield = previous != null && previous.config.shield().equals(config.shield());
        this.shield = sameShield ? previous.shield : config.shield().enabled() ? new Shield(config.shield(), ticker) : null;
        this.snapshots = previous == null ? new Snapshots(ticker) : previous.snapshots;
        this.shieldMaxObject = (int) Math.min(Integer.MAX_VALUE - 16, config.shield().maxObjectSize().bytes());
        if (shield != null && previous == null) {
            Shield sh = shield;
            metrics.gauge("rampart.shield.bytes", "Bytes of responses held by the origin shield", sh::weightedSize);
        }
        AdmissionConfig adm = config.admission();
        this.admissionQueueNanos = adm.queueTimeout().toNanos();

        this.memory = previous == null ? new SiteMemory() : previous.memory;
        int users = config.knownUsers().usersPerAddress();
        for (int i = 0; i < config.sites().size(); i++) {
            SiteConfig sc = config.sites().get(i);
            int slot = metrics.siteSlot(sc.name());
            Site before = previous == null ? null : previous.site(sc.name());
            // limiter ids are the slot's own, so a site's buckets survive sites added or removed around it
            long limitIds = 1 + ((long) slot << LIMIT_ID_BITS);
            List<Upstream> ups = new ArrayList<>();
            for (String u : sc.upstreams()) {
                ups.add(new Upstream(UpstreamUrl.parse(u)));
            }
            LimitsConfig siteLimitsCfg = sc.limits() == null ? config.limits() : sc.limits().inherit(config.limits());
            SiteLimits siteLimits = compile(siteLimitsCfg, limitIds, users);
            limitIds += 3;
            List<RouteConfig> routes = new ArrayList<>(sc.routes());
            routes.sort(Comparator.comparingInt((RouteConfig r) -> r.path().length()).reversed());
            String[] prefixes = new String[routes.size()];
            SiteLimits[] routeLimits = new SiteLimits[routes.size()];
            for (int r = 0; r < routes.size(); r++) {
                prefixes[r] = routes.get(r).path();
                routeLimits[r] = compile(routes.get(r).limits().inherit(siteLimitsCfg), limitIds, users);
                limitIds += 3;
            }
            AdmissionGate gate = !adm.enabled() ? null : memory.gate(sc.name(), () -> {
                AdmissionGate g = new AdmissionGate(new AdaptiveLimit(adm.initialLimit(), adm.minLimit(), adm.maxLimit(), ticker),
                        adm.knownReserve(), adm.suspectShare(), adm.queueSize());
                bindAdmissionMeters(metrics, sc.name(), g);
                return g;
            });
            if (gate != null && previous != null) {
                // a reload: the learned limit and the requests in flight stay, the settings are the new ones
                gate.tune(adm.knownReserve(), adm.suspectShare(), adm.queueSize());
                gate.limit().bounds(adm.minLimit(), adm.maxLimit());
            }
            boolean underAttack = before == null || previous.siteConfig(sc.name()).underAttack() != sc.underAttack()
                    ? sc.underAttack() : before.underAttack();
            Site site = new Site(sc.name(), slot, new UpstreamGroup(ups), siteLimits, prefixes, routeLimits,
                    underAttack, gate, memory.recorder(sc.name()).geo(geo)).https(sc.https());
            sites.add(site);
            for (String h : sc.hosts()) {
                router.add(h, site);
            }
        }
        DetectionConfig det = config.detection();
        this.ruleLimit = RateLimit.of(RULE_LIMIT_ID, det.ruleLimit().rate(), det.ruleLimit().burst());
        this.closeHoldNanos = det.closeHold().toNanos();
        if (previous != null) {
            this.hasher = previous.hasher;
            this.control = previous.control;
            this.incidents = previous.incidents;
            this.incidentStore = previous.incidentStore;
            return;
        }
        StateStore store = openState(config.effectiveStateDir());
        this.hasher = store.hasher();
        if (config.incidents().enabled()) {
            this.incidentStore = config.dataDir() == null ? SqliteIncidentStore.inMemory()
                    : SqliteIncidentStore.open(Path.of(config.dataDir()));
            this.incidents = new Incidents(config.incidents(), List.of(), incidentStore, Alerts.of(config.alerts()),
                    Clock.systemUTC(), countersOf(metrics), RefLedger.nodeOf(RefIds.node() << 48),
                    geo);
            incidents.sites(slots());
        } else {
            this.incidentStore = null;
            this.incidents = null;
        }
        if (det.enabled()) {
            this.control = new ControlPlane(det, controlSpecs(), policy, Clock.systemDefaultZone(), store, metrics,
                    config.knownUsers().usersPerAddress());
            control.geo(geo);
            if (incidents != null) {
                control.listen(incidents);
            }
        } else {
            this.control = null;
        }
        metrics.gauge("rampart.limiter.entries", "Clients and prefixes with live rate-limit state",
                () -> table.liveEntries(ticker.getAsLong()));
        metrics.gauge("rampart.limiter.capacity", "Slots in the rate-limit table (its fixed memory bound)",
                table::capacity);
        ConnectionGate g = gate;
        metrics.gauge("rampart.clients.connected", "Distinct client addresses with open connections",
                g::distinctClients);
    }

    /** The sites as the control plane sees them, in configuration order. */
    List<ControlPlane.SiteSpec> controlSpecs() {
        List<ControlPlane.SiteSpec> specs = new ArrayList<>();
        for (int i = 0; i < sites.size(); i++) {
            Site s = sites.get(i);
            AdmissionGate g = s.admission();
            specs.add(new ControlPlane.SiteSpec(s.name(), s.index(), s.recorder(),
                    g == null ? () -> false : () -> g.queued() > 0, config.sites().get(i).pin()));
        }
        return specs;
    }

    /** The configuration of the site named {@code name}, or null. */
    SiteConfig siteConfig(String name) {
        for (SiteConfig s : config.sites()) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    /** Each site's metrics slot, by name, in configuration order. */
    java.util.Map<String, Integer> slots() {
        java.util.Map<String, Integer> out = new java.util.LinkedHashMap<>();
        for (Site s : sites) {
            out.put(s.name(), s.index());
        }
        return out;
    }

    /** The site named {@code name}, or null. */
    Site site(String name) {
        for (Site s : sites) {
            if (s.name().equals(name)) {
                return s;
            }
        }
        return null;
    }

    private static GatewayCounters countersOf(GatewayMetrics metrics) {
        return new GatewayCounters() {
            @Override
            public long[] verdicts(int siteIndex) {
                Verdict[] all = Verdict.values();
                long[] out = new long[all.length];
                for (Verdict v : all) {
                    out[v.ordinal()] = metrics.requestCount(siteIndex, v);
                }
                return out;
            }

            @Override
            public long slowClientsClosed() {
                return metrics.slowClientsClosed();
            }

            @Override
            public long connectionsRejected() {
                return metrics.connectionsRejected();
            }
        };
    }

    private static StateStore openState(String dir) {
        if (dir == null) {
            return StateStore.none();
        }
        try {
            return StateStore.open(Path.of(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("detection state directory " + dir + ": " + e.getMessage(), e);
        }
    }

    private static void bindAdmissionMeters(GatewayMetrics metrics, String site, AdmissionGate gate) {
        metrics.gauge("rampart.admission.limit", "Requests allowed in flight to the site's origins (adaptive)", site,
                () -> gate.limit().limit());
        metrics.gauge("rampart.admission.in_flight", "Requests in flight to the site's origins", site, gate::inFlight);
        metrics.gauge("rampart.admission.queued", "Requests waiting for an origin slot", site, gate::queued);
        for (Lane lane : Lane.values()) {
            metrics.counter("rampart.admission.rejected", "Requests answered 503 for lack of an origin slot, by lane",
                    site, lane.label(), gate, g -> g.rejected(lane));
        }
    }

    private static SiteLimits compile(LimitsConfig l, long id, int usersPerAddress) {
        RateConfig c = l.perClient();
        RateLimit shared = c == null || c.rate() == null ? null
                : RateLimit.of(id + 2, c.rate() * usersPerAddress, (int) Math.min(Integer.MAX_VALUE, (long) c.burst() * usersPerAddress));
        return new SiteLimits(rate(c, id), rate(l.perPrefix(), id + 1), l.action(), l.tarpitDelay().toNanos(), shared);
    }

    private static RateLimit rate(RateConfig r, long id) {
        return r == null || r.rate() == null ? null : RateLimit.of(id, r.rate(), r.burst());
    }

    int unroutedIndex() {
        return metrics.unroutedIndex();
    }
}

package io.rampart.proxy;

import io.netty.handler.codec.http.HttpDecoderConfig;
import io.rampart.admission.AdaptiveLimit;
import io.rampart.admission.AdmissionGate;
import io.rampart.admission.Lane;
import io.rampart.challenge.Gatekeeper;
import io.rampart.config.AdmissionConfig;
import io.rampart.config.DetectionConfig;
import io.rampart.config.LimitsConfig;
import io.rampart.config.RampartConfig;
import io.rampart.config.RateConfig;
import io.rampart.config.RouteConfig;
import io.rampart.config.SiteConfig;
import io.rampart.config.UpstreamUrl;
import io.rampart.detect.ControlPlane;
import io.rampart.geo.GeoLookup;
import io.rampart.incident.Incidents;
import io.rampart.metrics.GatewayMetrics;
import io.rampart.mitigate.AccessLists;
import io.rampart.firewall.Offenders;
import io.rampart.mitigate.AddressCrowds;
import io.rampart.mitigate.IpSet;
import io.rampart.mitigate.PolicyHolder;
import io.rampart.mitigate.RateLimit;
import io.rampart.mitigate.RefLedger;
import io.rampart.mitigate.RequestDecider;
import io.rampart.mitigate.SiteLimits;
import io.rampart.shield.Shield;
import io.rampart.shield.Snapshots;
import io.rampart.tls.AcmeChallenges;
import io.rampart.traffic.FeatureHasher;
import io.rampart.traffic.RequestFeatures;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * Everything the data plane reads for one configuration, compiled once from a
 * {@link RampartConfig}: sites and their routing, limits, origins and switches; timeouts; the
 * decoder's limits; the challenge's gatekeeper; the access log. Immutable apart from counters and
 * the under-attack switches. What outlives a configuration (learned state, pools, incidents) is
 * in {@link SharedState}, reached through {@link #shared} and the fields copied from it; what a
 * new configuration keeps of the old one is decided by {@link Reload}, not here.
 */
final class GatewayRuntime {
    final RampartConfig config;
    final SharedState shared;
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
    final int shieldMaxObject;
    final long admissionQueueNanos;
    final LongSupplier ticker;
    final long upstreamConnectMillis;
    final long upstreamResponseNanos;
    final long upstreamDownNanos;
    final long tunnelIdleNanos;
    final long maxBodyBytes;
    final int maxHeaders;
    /** The per-client rate a {@code limit} rule allows. */
    final RateLimit ruleLimit;
    /** How long a request matching a {@code close} rule is held before its connection is closed. */
    final long closeHoldNanos;
    /** A response to an anonymous client this large is kept for the data-egress check. */
    final long bulkResponseBytes;
    final HttpDecoderConfig decoderConfig;
    // long-lived state, read on the hot path (the same objects for every configuration)
    final AtomicInteger inFlight;
    final RefLedger refs;
    final StreamGate streams;
    final AcmeChallenges acmeChallenges;
    final GeoLookup geo;
    final AccessLists lists;
    final PolicyHolder policy;
    final UpstreamPool pool;
    final Snapshots snapshots;
    final FeatureHasher hasher;
    /** How many people each address has shown (shared by every runtime). */
    final AddressCrowds crowds;
    /** How each client browses (shared by every runtime). */
    final io.rampart.traffic.BrowsingHabits habits;
    /** Repeat offenders for the kernel firewall, or null when it is off. */
    final Offenders offenders;
    final ControlPlane control;
    final Incidents incidents;
    volatile boolean draining;
    /** Bits of a limiter id below the site's slot: room for a site's own limits and those of its routes. */
    private static final int LIMIT_ID_BITS = 24;
    /** The limiter id of the per-client rate a {@code limit} rule allows (site ids start at 1). */
    private static final long RULE_LIMIT_ID = 0;

    /** The first configuration of a gateway: everything is new. */
    static GatewayRuntime first(RampartConfig config, SharedState shared, AccessLog accessLog) {
        return new GatewayRuntime(config, shared, accessLog, connectionGate(config, shared),
                config.shield().enabled() ? new Shield(config.shield(), shared.ticker) : null, SiteConfig::underAttack);
    }

    /**
     * @param gate        the connection gate (kept by a reload that leaves {@code connections} alone)
     * @param shield      the origin shield or null (kept by a reload that leaves {@code shield} alone)
     * @param underAttack each site's under-attack switch (a reload keeps what the operator switched)
     */
    GatewayRuntime(RampartConfig config, SharedState shared, AccessLog accessLog, ConnectionGate gate, Shield shield,
                   Function<SiteConfig, Boolean> underAttack) {
        this.config = config;
        this.shared = shared;
        this.metrics = shared.metrics;
        this.accessLog = accessLog;
        this.ticker = shared.ticker;
        this.inFlight = shared.inFlight;
        this.refs = shared.refs;
        this.streams = shared.streams;
        this.acmeChallenges = shared.acmeChallenges;
        this.geo = shared.geo;
        this.lists = shared.lists;
        this.policy = shared.policy;
        this.pool = shared.pool;
        this.snapshots = shared.snapshots;
        this.hasher = shared.hasher;
        this.crowds = shared.crowds;
        this.habits = shared.habits;
        this.offenders = shared.offenders;
        this.control = shared.control;
        this.incidents = shared.incidents;
        this.gate = gate;
        this.shield = shield;
        this.trustedProxies = IpSet.parse(config.trustedProxies());
        this.decider = new RequestDecider(lists, shared.limiterTable);
        decider.exchange(shared.limitExchange);
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
        this.gatekeeper = new Gatekeeper(config.challenge(), config.knownUsers(), shared.tickets, System::currentTimeMillis);
        this.shieldMaxObject = (int) Math.min(Integer.MAX_VALUE - 16, config.shield().maxObjectSize().bytes());
        this.admissionQueueNanos = config.admission().queueTimeout().toNanos();
        DetectionConfig det = config.detection();
        this.ruleLimit = RateLimit.of(RULE_LIMIT_ID, det.ruleLimit().rate(), det.ruleLimit().burst());
        this.closeHoldNanos = det.closeHold().toNanos();
        for (SiteConfig sc : config.sites()) {
            Site site = compileSite(sc, underAttack.apply(sc));
            sites.add(site);
            for (String h : sc.hosts()) {
                router.add(h, site);
            }
        }
    }

    /**
     * A new connection gate for {@code config.connections}, its total lowered when the process's
     * file descriptors could not hold it and keep a reserve ({@link DescriptorBudget}).
     */
    static ConnectionGate connectionGate(RampartConfig config, SharedState shared) {
        AddressCrowds crowds = shared.crowds;
        FeatureHasher hasher = shared.hasher;
        int configured = config.connections().total();
        long free = DescriptorBudget.free();
        int total = DescriptorBudget.clientConnections(configured, free);
        if (total < configured) {
            org.slf4j.LoggerFactory.getLogger(GatewayRuntime.class).warn("connections.total {} lowered to {}: the process may "
                    + "open {} more files, and a third is kept for origins, the admin listener and files (raise LimitNOFILE "
                    + "or ulimit -Hn to hold more)", configured, total, free);
        }
        return new ConnectionGate(shared.lists, config.connections().perClient(), Math.min(total, config.connections().perPrefix()),
                total, shared.metrics, client -> crowds.users(RequestFeatures.clientId(hasher, client)), System::nanoTime);
    }

    private Site compileSite(SiteConfig sc, boolean underAttack) {
        int users = config.knownUsers().usersPerAddress();
        int slot = metrics.siteSlot(sc.name());
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
        return new Site(sc.name(), slot, new UpstreamGroup(ups), siteLimits, prefixes, routeLimits,
                underAttack, admissionGate(sc.name()), shared.memory.recorder(sc.name()).geo(geo)).https(sc.https())
                .pages(ErrorResponses.forSite(sc.title(), sc.contact()));
    }

    /** The site's admission gate (made once per site name, kept across reloads), or null when admission is off. */
    private AdmissionGate admissionGate(String site) {
        AdmissionConfig adm = config.admission();
        if (!adm.enabled()) {
            return null;
        }
        return shared.memory.gate(site, () -> {
            AdmissionGate g = new AdmissionGate(new AdaptiveLimit(adm.initialLimit(), adm.minLimit(), adm.maxLimit(), ticker),
                    adm.knownReserve(), adm.suspectShare(), adm.queueSize());
            bindAdmissionMeters(metrics, site, g);
            return g;
        });
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
    Map<String, Integer> slots() {
        Map<String, Integer> out = new LinkedHashMap<>();
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

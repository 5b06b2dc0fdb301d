package io.rampart.proxy;

import io.rampart.admission.AdaptiveLimit;
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
    /** Requests between head and end of response, for graceful stop. */
    final AtomicInteger inFlight = new AtomicInteger();
    volatile boolean draining;

    GatewayRuntime(RampartConfig config, GatewayMetrics metrics, AccessLog accessLog, LongSupplier ticker) {
        this.config = config;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.ticker = ticker;
        IpSet allow = IpSet.parse(config.allow());
        IpSet deny = IpSet.parse(config.deny());
        this.trustedProxies = IpSet.parse(config.trustedProxies());
        GcraTable table = new GcraTable(config.limiter().tableSize());
        this.decider = new RequestDecider(allow, deny, table);
        this.policy = new PolicyHolder(Policy.quiet(config.sites().size()));
        PolicyHolder published = policy;
        this.gate = new ConnectionGate(allow, deny, config.connections().perClient(), config.connections().total(), metrics,
                key -> published.get().sharedUsers(key));
        this.upstreamConnectMillis = config.timeouts().upstreamConnect().toMillis();
        this.upstreamResponseNanos = config.timeouts().upstreamResponse().toNanos();
        this.upstreamDownNanos = 10_000_000_000L;
        this.tunnelIdleNanos = config.timeouts().tunnelIdle().toNanos();
        this.maxBodyBytes = config.http().maxBodySize().bytes();
        this.maxHeaders = config.http().maxHeaders();
        this.pool = new UpstreamPool(64);
        this.gatekeeper = new Gatekeeper(config.challenge(), config.knownUsers(), System::currentTimeMillis, ticker::getAsLong);
        this.shield = config.shield().enabled() ? new Shield(config.shield(), ticker) : null;
        this.snapshots = new Snapshots(ticker);
        this.shieldMaxObject = (int) Math.min(Integer.MAX_VALUE - 16, config.shield().maxObjectSize().bytes());
        if (shield != null) {
            metrics.gauge("rampart.shield.bytes", "Bytes of responses held by the origin shield", shield::weightedSize);
        }
        AdmissionConfig adm = config.admission();
        this.admissionQueueNanos = adm.queueTimeout().toNanos();

        long limitIds = 1;
        int users = config.knownUsers().usersPerAddress();
        for (int i = 0; i < config.sites().size(); i++) {
            SiteConfig sc = config.sites().get(i);
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
            AdmissionGate gate = null;
            if (adm.enabled()) {
                gate = new AdmissionGate(new AdaptiveLimit(adm.initialLimit(), adm.minLimit(), adm.maxLimit(), ticker),
                        adm.knownReserve(), adm.suspectShare(), adm.queueSize());
                bindAdmissionMeters(metrics, sc.name(), gate);
            }
            Site site = new Site(sc.name(), i, new UpstreamGroup(ups), siteLimits, prefixes, routeLimits,
                    sc.underAttack(), gate);
            sites.add(site);
            for (String h : sc.hosts()) {
                router.add(h, site);
            }
        }
        DetectionConfig det = config.detection();
        StateStore store = openState(det);
        this.hasher = store.hasher();
        this.ruleLimit = RateLimit.of(limitIds, det.ruleLimit().rate(), det.ruleLimit().burst());
        this.closeHoldNanos = det.closeHold().toNanos();
        if (det.enabled()) {
            List<ControlPlane.SiteSpec> specs = new ArrayList<>();
            for (int i = 0; i < sites.size(); i++) {
                Site s = sites.get(i);
                AdmissionGate g = s.admission();
                specs.add(new ControlPlane.SiteSpec(s.name(), s.recorder(),
                        g == null ? () -> false : () -> g.queued() > 0, config.sites().get(i).pin()));
            }
            this.control = new ControlPlane(det, specs, policy, Clock.systemDefaultZone(), store, metrics,
                    config.knownUsers().usersPerAddress());
        } else {
            this.control = null;
        }
        metrics.gauge("rampart.limiter.entries", "Clients and prefixes with live rate-limit state",
                () -> table.liveEntries(ticker.getAsLong()));
        metrics.gauge("rampart.limiter.capacity", "Slots in the rate-limit table (its fixed memory bound)",
                table::capacity);
        metrics.gauge("rampart.clients.connected", "Distinct client addresses with open connections",
                gate::distinctClients);
    }

    private static StateStore openState(DetectionConfig det) {
        if (det.stateDir() == null) {
            return StateStore.none();
        }
        try {
            return StateStore.open(Path.of(det.stateDir()));
        } catch (IOException e) {
            throw new UncheckedIOException("detection.stateDir " + det.stateDir() + ": " + e.getMessage(), e);
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

package io.rampart.metrics;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.rampart.mitigate.Verdict;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * Every meter Rampart's data plane records, registered up front.
 *
 * <p>Names (Prometheus form): {@code rampart_requests_total{site,verdict}},
 * {@code rampart_responses_total{site,class}}, {@code rampart_upstream_latency_seconds{site}} (histogram),
 * {@code rampart_upstream_errors_total{site,kind}}, {@code rampart_connections_active},
 * {@code rampart_connections_rejected_total{reason}}, {@code rampart_protocol_errors_total{status}},
 * {@code rampart_slow_clients_closed_total{kind}}, {@code rampart_limiter_entries},
 * {@code rampart_limiter_capacity}, {@code rampart_clients_connected},
 * {@code rampart_access_log_dropped_total}.
 */
public final class GatewayMetrics {
    /** Site index used for requests that matched no site. */
    public static final String UNROUTED = "_unrouted";

    /** Why a connection was refused at accept. */
    public enum ConnectionRejection { DENY_LIST, PER_CLIENT_CAP, PER_PREFIX_CAP, TOTAL_CAP }

    /** How a slow client was caught. */
    public enum SlowKind { HEAD, BODY, WRITE, IDLE }

    /** What went wrong towards an origin. */
    public enum UpstreamError { REFUSED, CONNECT_TIMEOUT, RESPONSE_TIMEOUT, RESET }

    private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    /** Per-site meters by slot; replaced (copied one longer) when a site is added, never shrunk. */
    private volatile SiteMeters[] sites = new SiteMeters[0];
    /** Slot of each site name ever registered; guarded by {@code this}. */
    private final Map<String, Integer> slots = new java.util.HashMap<>();
    private final int unrouted;
    private final Map<ConnectionRejection, Counter> connectionRejections = new EnumMap<>(ConnectionRejection.class);
    private final Map<ConnectionRejection, Counter> connectionEvictions = new EnumMap<>(ConnectionRejection.class);
    private final Map<SlowKind, Counter> slowClients = new EnumMap<>(SlowKind.class);
    private final Counter[] protocolErrors = new Counter[600];
    private final AtomicInteger activeConnections = new AtomicInteger();
    private final Counter accessLogDropped;
    private final java.util.concurrent.ConcurrentHashMap<String, Counter> challenges = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, Counter> shieldResults = new java.util.concurrent.ConcurrentHashMap<>();

    private final java.util.concurrent.ConcurrentHashMap<String, Counter> controlCounters = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, Counter> tlsFailures = new java.util.concurrent.ConcurrentHashMap<>();
    private final java.util.concurrent.ConcurrentHashMap<String, Counter> http2Abuse = new java.util.concurrent.ConcurrentHashMap<>();

    /**
     * @param siteNames configured sites, in order: they get slots 0 to n-1, and {@link #UNROUTED}
     *                  slot n; sites added later (by a reload) get the next slots
     */
    public GatewayMetrics(List<String> siteNames) {
        for (String name : siteNames) {
            siteSlot(name);
        }
        this.unrouted = siteSlot(UNROUTED);
        for (ConnectionRejection r : ConnectionRejection.values()) {
            connectionRejections.put(r, Counter.builder("rampart.connections.rejected")
                    .description("Connections closed at accept")
                    .tag("reason", r.name().toLowerCase()).register(registry));
            if (r != ConnectionRejection.DENY_LIST) {
                connectionEvictions.put(r, Counter.builder("rampart.connections.evicted")
                        .description("Idle connections closed to make room for a newcomer, by the cap that was full")
                        .tag("cap", r.name().toLowerCase().replace("_cap", "")).register(registry));
            }
        }
        for (SlowKind k : SlowKind.values()) {
            slowClients.put(k, Counter.builder("rampart.slow.clients.closed")
                    .description("Connections closed for being too slow (head deadline, body rate, reading, idle)")
                    .tag("kind", k.name().toLowerCase()).register(registry));
        }
        Gauge.builder("rampart.connections.active", activeConnections, AtomicInteger::get)
                .description("Open client connections").register(registry);
        accessLogDropped = Counter.builder("rampart.access.log.dropped")
                .description("Access log lines dropped because the writer fell behind").register(registry);
    }

    /**
     * The slot of a site's meters, registering them the first time the name is seen. A slot is
     * the site's for the life of the process: a site removed by a reload and added back later
     * gets its old slot (and counters) again, and a draining connection of the old configuration
     * still counts into the right place.
     */
    public synchronized int siteSlot(String name) {
        Integer known = slots.get(name);
        if (known != null) {
            return known;
        }
        int slot = sites.length;
        SiteMeters[] grown = java.util.Arrays.copyOf(sites, slot + 1);
        grown[slot] = new SiteMeters(name, registry);
        slots.put(name, slot);
        sites = grown;
        return slot;
    }

    /** How many slots exist (every site ever configured, and {@link #UNROUTED}). */
    public int slotCount() {
        return sites.length;
    }

    /** The slot of a site's meters, or -1 for a name never registered (a read: nothing is registered). */
    public synchronized int slotOf(String name) {
        Integer known = slots.get(name);
        return known == null ? -1 : known;
    }

    /** Slot for per-site meters of requests that matched no site. */
    public int unroutedIndex() {
        return unrouted;
    }

    /** One site's meters: requests by verdict, responses by class, origin latency and errors. */
    private static final class SiteMeters {
        final Counter[] requests = new Counter[Verdict.values().length];
        final Counter[] responses = new Counter[6];
        final Timer upstreamLatency;
        final Counter[] upstreamErrors = new Counter[UpstreamError.values().length];

        SiteMeters(String site, MeterRegistry registry) {
            for (Verdict v : Verdict.values()) {
                requests[v.ordinal()] = Counter.builder("rampart.requests")
                        .description("Requests decided, by site and verdict")
                        .tag("site", site).tag("verdict", v.label()).register(registry);
            }
            for (int c = 1; c <= 5; c++) {
                responses[c] = Counter.builder("rampart.responses")
                        .description("Responses sent to clients, by site and status class")
                        .tag("site", site).tag("class", c + "xx").register(registry);
            }
            upstreamLatency = Timer.builder("rampart.upstream.latency")
                    .description("Time from sending a request to an origin until its response head")
                    .tag("site", site)
                    .publishPercentileHistogram()
                    .minimumExpectedValue(Duration.ofMillis(1))
                    .maximumExpectedValue(Duration.ofSeconds(60))
                    .register(registry);
            for (UpstreamError e : UpstreamError.values()) {
                upstreamErrors[e.ordinal()] = Counter.builder("rampart.upstream.errors")
                        .description("Failures towards origins")
                        .tag("site", site).tag("kind", e.name().toLowerCase()).register(registry);
            }
        }
    }

    public MeterRegistry registry() {
        return registry;
    }

    /** Prometheus text exposition. */
    public String scrape() {
        return registry.scrape();
    }

    public void request(int site, Verdict verdict) {
        sites[site].requests[verdict.ordinal()].increment();
    }

    /** A TLS handshake failed (not TLS, no common protocol or cipher, too slow, reset). */
    public void tlsHandshakeFailed() {
        increment(tlsFailures, "rampart.tls.handshake.failures", "TLS handshakes that failed or timed out", "listener", "tls");
    }

    /** An HTTP/2 connection or stream was refused for abuse, by kind (enhance_your_calm, protocol_error, streams_per_client, ...). */
    public void http2Abuse(String kind) {
        increment(http2Abuse, "rampart.http2.abuse", "HTTP/2 connections closed (GOAWAY) or streams refused for abuse, by kind", "kind", kind);
    }

    /** Requests of {@code site} given {@code verdict} since start (for incident figures). */
    public long requestCount(int site, Verdict verdict) {
        return (long) sites[site].requests[verdict.ordinal()].count();
    }

    /** Origin answers of {@code site} since start: {count, total nanoseconds} (for live latency). */
    public long[] upstreamTotals(int site) {
        Timer t = sites[site].upstreamLatency;
        return new long[] {t.count(), (long) t.totalTime(TimeUnit.NANOSECONDS)};
    }

    /** Responses of {@code site} with status {@code class}xx since start. */
    public long responseCount(int site, int statusClass) {
        return (long) sites[site].responses[statusClass].count();
    }

    /** Origin failures of {@code site} (refused, timed out, reset) since start. */
    public long upstreamErrorCount(int site) {
        long n = 0;
        for (Counter c : sites[site].upstreamErrors) {
            n += (long) c.count();
        }
        return n;
    }

    /** Connections closed for being slow, every kind, since start. */
    public long slowClientsClosed() {
        long n = 0;
        for (Counter c : slowClients.values()) {
            n += (long) c.count();
        }
        return n;
    }

    /** Connections refused at accept (deny list, per-client and total caps) since start. */
    public long connectionsRejected() {
        long n = 0;
        for (Counter c : connectionRejections.values()) {
            n += (long) c.count();
        }
        return n;
    }

    public void response(int site, int status) {
        int c = status / 100;
        if (c >= 1 && c <= 5) {
            sites[site].responses[c].increment();
        }
    }

    public void upstreamLatency(int site, long nanos) {
        sites[site].upstreamLatency.record(nanos, TimeUnit.NANOSECONDS);
    }

    public void upstreamError(int site, UpstreamError e) {
        sites[site].upstreamErrors[e.ordinal()].increment();
    }

    public void connectionRejected(ConnectionRejection reason) {
        connectionRejections.get(reason).increment();
    }

    /** An idle connection was closed to make room under {@code cap}. */
    public void connectionEvicted(ConnectionRejection cap) {
        connectionEvictions.get(cap).increment();
    }

    public void slowClient(SlowKind kind) {
        slowClients.get(kind).increment();
    }

    public void protocolError(int status) {
        Counter c = protocolErrors[status];
        if (c == null) {
            c = Counter.builder("rampart.protocol.errors")
                    .description("Requests refused for breaking HTTP framing or limits, by status")
                    .tag("status", Integer.toString(status)).register(registry);
            protocolErrors[status] = c;
        }
        c.increment();
    }

    public AtomicInteger activeConnections() {
        return activeConnections;
    }

    public void accessLogDropped() {
        accessLogDropped.increment();
    }

    /** Registers a per-site gauge computed at scrape time. */
    public void gauge(String name, String description, String site, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tag("site", site).register(registry);
    }

    /**
     * Registers a per-site, per-lane counter read from {@code source} at scrape time. Micrometer
     * holds {@code source} weakly, so it must be an object that lives as long as the gateway.
     */
    public <T> void counter(String name, String description, String site, String lane, T source,
                            java.util.function.ToDoubleFunction<T> value) {
        io.micrometer.core.instrument.FunctionCounter.builder(name, source, value)
                .description(description).tag("site", site).tag("lane", lane).register(registry);
    }

    /** How the shield handled an eligible request: hit, stale, coalesced, miss, stale-if-error, snapshot. */
    public void shield(String result) {
        increment(shieldResults, "rampart.shield.requests", "Anonymous cacheable requests by how the origin shield handled them",
                "result", result);
    }

    /** What happened in a challenge: {@code issued}, {@code solved}, {@code no-js-pass}, or a refused ticket's check. */
    public void challenge(String outcome) {
        increment(challenges, "rampart.challenges", "Challenges issued, passed, and tickets refused by reason", "outcome", outcome);
    }

    /** Increments the counter {@code name{tag=value}}, registered on first use (a bounded set of values). */
    private void increment(java.util.concurrent.ConcurrentHashMap<String, Counter> byValue, String name, String description,
                           String tag, String value) {
        Counter c = byValue.get(value);
        if (c == null) {
            c = byValue.computeIfAbsent(value, v -> Counter.builder(name).description(description).tag(tag, v).register(registry));
        }
        c.increment();
    }

    /**
     * Adds {@code amount} to the per-site counter {@code name{site, tag=value}}, registered on first
     * use. For the control plane (a bounded set of values, called once per tick), not per request.
     */
    public void count(String name, String description, String site, String tag, String value, double amount) {
        String key = name + '\u0000' + site + '\u0000' + value;
        Counter c = controlCounters.get(key);
        if (c == null) {
            c = controlCounters.computeIfAbsent(key, k -> Counter.builder(name).description(description)
                    .tag("site", site).tag(tag, value).register(registry));
        }
        c.increment(amount);
    }

    /** Registers a gauge computed at scrape time (e.g. limiter table occupancy). */
    public void gauge(String name, String description, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).register(registry);
    }

    /** Sum of the counters matching {@code name} and {@code tags} (every site unless one is named); 0 when absent. */
    public double counterValue(String name, String... tags) {
        double sum = 0;
        for (Counter c : registry.find(name).tags(tags).counters()) {
            sum += c.count();
        }
        return sum;
    }
}

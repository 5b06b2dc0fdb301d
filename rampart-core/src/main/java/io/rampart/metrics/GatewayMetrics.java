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
        // before any meter (Micrometer's rule): names promtool's lint refuses in bindRuntime's series: an abbreviated unit, and "_count" on a gauge
        registry.config().meterFilter(io.micrometer.core.instrument.config.MeterFilter.denyNameStartsWith("process.cpu.time"));
        registry.config().meterFilter(new io.micrometer.core.instrument.config.MeterFilter() {
            @Override
            public io.micrometer.core.instrument.Meter.Id map(io.micrometer.core.instrument.Meter.Id id) {
                return "system.cpu.count".equals(id.getName()) ? id.withName("system.cpu.logical") : id;
            }
        });
        for (String name : siteNames) {
            siteSlot(name);
        }
        this.unrouted = siteSlot(UNROUTED);
        registerKnownSeries();
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

    /** The site name of {@code slot} (null for the unrouted slot or one that does not exist). */
    public synchronized String siteOf(int slot) {
        if (slot == unrouted) {
            return null;
        }
        for (Map.Entry<String, Integer> e : slots.entrySet()) {
            if (e.getValue() == slot) {
                return e.getKey();
            }
        }
        return null;
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
                    // fourteen fixed buckets per site (Micrometer's percentile histogram has over seventy)
                    .serviceLevelObjectives(LATENCY_BUCKETS)
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
        counter(tlsFailures, TLS_FAILURES, TLS_FAILURES_HELP, "listener", "tls").increment();
    }

    /** An HTTP/2 connection or stream was refused for abuse, by kind (enhance_your_calm, protocol_error, streams_per_client, ...). */
    public void http2Abuse(String kind) {
        counter(http2Abuse, HTTP2_ABUSE_NAME, HTTP2_ABUSE_HELP, "kind", kind).increment();
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
        protocolErrorCounter(status).increment();
    }

    private Counter protocolErrorCounter(int status) {
        Counter c = protocolErrors[status];
        if (c == null) {
            c = Counter.builder("rampart.protocol.errors")
                    .description("Requests refused for breaking HTTP framing or limits, by status")
                    .tag("status", Integer.toString(status)).register(registry);
            protocolErrors[status] = c;
        }
        return c;
    }

    /** The origin latency histogram's bucket bounds: 1 ms to 30 s, modest per site. */
    static final Duration[] LATENCY_BUCKETS = {Duration.ofMillis(1), Duration.ofNanos(2_500_000), Duration.ofMillis(5),
        Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250),
        Duration.ofMillis(500), Duration.ofSeconds(1), Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10),
        Duration.ofSeconds(30)};

    /** Challenge outcomes besides refused tickets ({@code refused.<check>}). */
    static final List<String> CHALLENGE_OUTCOMES = List.of("issued", "solved", "no-js-pass", "cookies-refused");
    /** Why a ticket is refused: {@code Tickets.Check} but VALID, in lower case. */
    static final List<String> TICKET_REFUSALS = List.of("malformed", "forged", "expired", "other_client", "too_early", "unsolved", "replayed");
    /** The statuses Rampart refuses broken requests with. */
    static final int[] PROTOCOL_STATUSES = {400, 405, 413, 414, 431, 501, 505};
    static final List<String> HTTP2_ABUSE = List.of("control_frame_flood", "enhance_your_calm", "streams_per_client");
    static final List<String> SHIELD_RESULTS = List.of("hit", "stale", "coalesced", "stale-if-error", "snapshot", "miss", "pass");

    /**
     * Registers, at zero, every series whose label values are known in advance, so that a dashboard
     * panel or an alert never queries a series that does not exist yet (Prometheus's advice for
     * counters with labels).
     */
    private void registerKnownSeries() {
        for (String o : CHALLENGE_OUTCOMES) {
            counter(challenges, CHALLENGES, CHALLENGES_HELP, "outcome", o);
        }
        for (String r : TICKET_REFUSALS) {
            counter(challenges, CHALLENGES, CHALLENGES_HELP, "outcome", "refused." + r);
        }
        for (int status : PROTOCOL_STATUSES) {
            protocolErrorCounter(status);
        }
        for (String k : HTTP2_ABUSE) {
            counter(http2Abuse, HTTP2_ABUSE_NAME, HTTP2_ABUSE_HELP, "kind", k);
        }
        for (String r : SHIELD_RESULTS) {
            counter(shieldResults, SHIELD, SHIELD_HELP, "result", r);
        }
        counter(tlsFailures, TLS_FAILURES, TLS_FAILURES_HELP, "listener", "tls");
        for (String o : ALERT_OUTCOMES) {
            counter(alertDeliveries, ALERTS, ALERTS_HELP, "outcome", o);
        }
    }

    static final List<String> ALERT_OUTCOMES = List.of("sent", "retried", "failed", "dropped");
    private static final String ALERTS = "rampart.alert.deliveries";
    private static final String ALERTS_HELP = "Alert deliveries (webhook, email) by outcome: sent, retried, failed (given up), dropped";
    private final java.util.concurrent.ConcurrentHashMap<String, Counter> alertDeliveries = new java.util.concurrent.ConcurrentHashMap<>();

    /** What became of one alert delivery (see {@code Alerts.metered}). */
    public void alertDelivery(String outcome) {
        counter(alertDeliveries, ALERTS, ALERTS_HELP, "outcome", outcome).increment();
    }

    private static final String CHALLENGES = "rampart.challenges";
    private static final String CHALLENGES_HELP = "Challenges issued, passed, and tickets refused by reason";
    private static final String HTTP2_ABUSE_NAME = "rampart.http2.abuse";
    private static final String HTTP2_ABUSE_HELP = "HTTP/2 connections closed (GOAWAY) or streams refused for abuse, by kind";
    private static final String SHIELD = "rampart.shield.requests";
    private static final String SHIELD_HELP = "Anonymous cacheable requests by how the origin shield handled them";
    private static final String TLS_FAILURES = "rampart.tls.handshake.failures";
    private static final String TLS_FAILURES_HELP = "TLS handshakes that failed or timed out";

    public AtomicInteger activeConnections() {
        return activeConnections;
    }

    public void accessLogDropped() {
        accessLogDropped.increment();
    }

    private final java.util.List<AutoCloseable> runtimeBinders = new java.util.ArrayList<>();

    /**
     * Adds the JVM's and the process's own series ({@code jvm_*}, {@code process_*},
     * {@code system_cpu_*}) and {@code rampart_build_info{version,built,java}}. For a running gateway;
     * tests that make many registries leave them out. {@link #close} unhooks the GC listener.
     */
    public synchronized void bindRuntime() {
        if (!runtimeBinders.isEmpty()) {
            return;
        }
        new io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.ProcessorMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.UptimeMetrics().bindTo(registry);
        new io.micrometer.core.instrument.binder.system.FileDescriptorMetrics().bindTo(registry);
        io.micrometer.core.instrument.binder.jvm.JvmGcMetrics gc = new io.micrometer.core.instrument.binder.jvm.JvmGcMetrics();
        gc.bindTo(registry);
        runtimeBinders.add(gc);
        Gauge.builder("rampart.build.info", () -> 1).description("The running build: version, build time and Java runtime, as labels")
                .tag("version", BuildInfo.version()).tag("built", BuildInfo.built()).tag("java", System.getProperty("java.version"))
                .register(registry);
    }

    /** Unhooks what {@link #bindRuntime} hooked into the JVM. */
    public synchronized void close() {
        for (AutoCloseable c : runtimeBinders) {
            try {
                c.close();
            } catch (Exception ignored) {
                // closing a GC listener cannot fail in a way worth reporting at stop
            }
        }
        runtimeBinders.clear();
    }

    /** Registers a per-listener gauge computed at scrape time. */
    public void listenerGauge(String name, String description, String listener, Supplier<Number> value) {
        Gauge.builder(name, value).description(description).tag("listener", listener).register(registry);
    }

    /** Registers a per-site gauge with one more label, computed at scrape time. */
    public void gauge(String name, String description, String site, String tag, String value, Supplier<Number> supplier) {
        Gauge.builder(name, supplier).description(description).tag("site", site).tag(tag, value).register(registry);
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

    /** Registers a counter read from {@code source} at scrape time (held weakly: it must live as long as the gateway). */
    public <T> void counter(String name, String description, T source, java.util.function.ToDoubleFunction<T> value) {
        io.micrometer.core.instrument.FunctionCounter.builder(name, source, value).description(description).register(registry);
    }

    /** How the shield handled an eligible request: hit, stale, coalesced, miss, stale-if-error, snapshot. */
    public void shield(String result) {
        counter(shieldResults, SHIELD, SHIELD_HELP, "result", result).increment();
    }

    /** What happened in a challenge: {@code issued}, {@code solved}, {@code no-js-pass}, or a refused ticket's check. */
    public void challenge(String outcome) {
        counter(challenges, CHALLENGES, CHALLENGES_HELP, "outcome", outcome).increment();
    }

    /** The counter {@code name{tag=value}}, registered on first use (a bounded set of values). */
    private Counter counter(java.util.concurrent.ConcurrentHashMap<String, Counter> byValue, String name, String description,
                            String tag, String value) {
        Counter c = byValue.get(value);
        if (c == null) {
            c = byValue.computeIfAbsent(value, v -> Counter.builder(name).description(description).tag(tag, v).register(registry));
        }
        return c;
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

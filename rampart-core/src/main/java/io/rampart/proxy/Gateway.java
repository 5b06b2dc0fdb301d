package io.rampart.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.rampart.config.HostPort;
import io.rampart.cluster.ClusterLink;
import io.rampart.config.ListenerConfig;
import io.rampart.config.RampartConfig;
import io.rampart.config.SiteConfig;
import io.rampart.admission.AdmissionGate;
import io.rampart.detect.ControlPlane;
import io.rampart.firewall.Capabilities;
import io.rampart.firewall.DropBackend;
import io.rampart.firewall.FirewallException;
import io.rampart.firewall.KernelFirewall;
import io.rampart.firewall.NftablesBackend;
import io.rampart.incident.Incidents;
import io.rampart.metrics.GatewayMetrics;
import io.rampart.mitigate.AccessLists;
import io.rampart.mitigate.RefLedger;
import io.rampart.net.Transport;
import io.rampart.shield.SnapshotRefresher;
import io.rampart.tls.AcmeManager;
import io.rampart.tls.AcmeService;
import io.rampart.tls.TlsTerminator;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A running gateway: its listeners, event loops, origin pools, metrics and access log.
 *
 * <p>{@link #start} binds every listener or fails with the address that could not be bound.
 * {@link #stop} is graceful: listeners close, idle connections close, requests in flight get
 * {@code timeouts.shutdownGrace} to finish (and answer with {@code Connection: close}), then the
 * rest is closed.
 */
public final class Gateway implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Gateway.class);

    /** How long after the shutdown grace a reloaded-away access log stays open for late lines. */
    private static final long OLD_LOG_GRACE_MILLIS = 5_000;
    private volatile GatewayRuntime rt;
    private final EventLoopGroup boss;
    private final EventLoopGroup workers;
    private final ChannelGroup clients = new DefaultChannelGroup("rampart-clients", GlobalEventExecutor.INSTANCE);
    private final List<Channel> listeners = new ArrayList<>();
    private final List<TlsTerminator> terminators = new ArrayList<>();
    private volatile boolean stopped;

    private Gateway(GatewayRuntime rt, int threads) {
        this.rt = rt;
        this.boss = new MultiThreadIoEventLoopGroup(1, Transport.CURRENT.handlers());
        this.workers = new MultiThreadIoEventLoopGroup(threads, Transport.CURRENT.handlers());
    }

    /** Starts a gateway with its own metrics registry and access log, on one event loop per core. */
    public static Gateway start(RampartConfig config) throws IOException {
        return start(config, (ClusterJoin) null);
    }

    /** Starts a gateway that joins {@code join}'s cluster (null: none). */
    public static Gateway start(RampartConfig config, ClusterJoin join) throws IOException {
        List<String> names = config.sites().stream().map(SiteConfig::name).collect(Collectors.toList());
        GatewayMetrics metrics = new GatewayMetrics(names);
        AccessLog log = AccessLog.open(config.accessLog().path(), config.accessLog().rejectedPerSecond(), metrics);
        return start(config, metrics, log, System::nanoTime, Runtime.getRuntime().availableProcessors(), join);
    }

    static Gateway start(RampartConfig config, GatewayMetrics metrics, AccessLog log, LongSupplier ticker, int threads)
            throws IOException {
        return start(config, metrics, log, ticker, threads, null);
    }

    static Gateway start(RampartConfig config, GatewayMetrics metrics, AccessLog log, LongSupplier ticker, int threads,
                         ClusterJoin join) throws IOException {
        if (config.firewall().enabled() && !Capabilities.hasNetAdmin()) {
            throw new IOException(Capabilities.missingMessage());
        }
        SharedState shared = new SharedState(config, metrics, ticker, join);
        GatewayRuntime rt = GatewayRuntime.first(config, shared, log);
        if (shared.control != null) {
            shared.control.sites(rt.controlSpecs());
        }
        if (shared.incidents != null) {
            shared.incidents.sites(rt.slots());
        }
        Gateway g = new Gateway(rt, threads);
        metrics.gauge("rampart.clients.connected", "Distinct client addresses with open connections",
                () -> g.rt.gate.distinctClients());
        metrics.gauge("rampart.connections.limit", "Client connections this node holds at most (connections.total, lowered to fit "
                + "the file descriptors)", () -> g.rt.gate.total());
        metrics.gauge("rampart.shield.bytes", "Bytes of responses held by the origin shield",
                () -> g.rt.shield == null ? 0 : g.rt.shield.weightedSize());
        try {
            for (ListenerConfig l : config.listeners()) {
                g.bind(l);
            }
        } catch (IOException | RuntimeException e) {
            g.stop(Duration.ZERO);
            throw e;
        }
        if (config.firewall().enabled()) {
            g.startFirewall(config, shared);
        }
        SnapshotRefresher.start((EventLoop) g.workers.next(),
                config.shield().snapshotInterval().toMillis(), g::snapshotRound);
        g.acme = AcmeService.start(config.acme(), config.dataDir(), acmeSites(config), shared.acmeChallenges,
                g.terminators, metrics);
        if (shared.control != null) {
            shared.control.start();
        }
        if (join != null) {
            g.cluster = join.start(new GatewayMember(g, shared));
        }
        return g;
    }

    private volatile ClusterLink cluster;

    /** The cluster this node is part of, or null. */
    public ClusterLink cluster() {
        return cluster;
    }

    private AcmeManager acme;

    /** Opens nftables (or says why not: refusals then stay in user space) and starts the firewall's loop. */
    private void startFirewall(RampartConfig config, SharedState shared) {
        DropBackend backend = null;
        String why = null;
        try {
            backend = "program".equals(System.getenv("RAMPART_NFT")) ? NftablesBackend.viaProgram() : NftablesBackend.open();
        } catch (FirewallException e) {
            why = e.getMessage();
        }
        List<Integer> ports = new ArrayList<>();
        for (InetSocketAddress a : listenAddresses()) {
            if (!ports.contains(a.getPort())) {
                ports.add(a.getPort());
            }
        }
        GatewayDropSources sources = new GatewayDropSources(shared.lists, shared.control, shared.offenders,
                () -> rt.config.trustedProxies(), () -> ports, config.firewall().automaticRules());
        KernelFirewall fw = new KernelFirewall(config.firewall(), backend, why, sources, System::currentTimeMillis,
                shared.metrics.registry());
        if (shared.incidents != null) {
            fw.timeline(shared.incidents::firewall);
        }
        shared.lists.onChange(fw::wake);
        shared.firewall = fw;
        fw.start();
    }

    /** The kernel firewall, or null when {@code firewall.enabled} is off. */
    public KernelFirewall firewall() {
        return rt.shared.firewall;
    }

    /** The ACME manager, or null when no site asks for automatic certificates. */
    public AcmeManager acme() {
        return acme;
    }

    private static List<AcmeManager.Site> acmeSites(RampartConfig config) {
        List<AcmeManager.Site> wanted = new ArrayList<>();
        for (SiteConfig sc : config.sites()) {
            if (sc.acme()) {
                wanted.add(new AcmeManager.Site(sc.name(), sc.hosts()));
            }
        }
        return wanted;
    }

    /** What the snapshot refresher fetches now: each site's snapshot pages from one of its origins (null: shield off). */
    private SnapshotRefresher.Round snapshotRound() {
        GatewayRuntime r = rt;
        if (r.shield == null) {
            return null;
        }
        List<SnapshotRefresher.Target> targets = new ArrayList<>();
        for (int i = 0; i < r.sites.size(); i++) {
            SiteConfig sc = r.config.sites().get(i);
            if (sc.snapshot().isEmpty()) {
                continue;
            }
            Site site = r.sites.get(i);
            Upstream u = site.upstreams().pick(r.ticker.getAsLong(), null);
            String host = sc.hosts().stream().filter(h -> !h.contains("*")).findFirst()
                    .orElse(u.url().host() + ":" + u.url().port());
            targets.add(new SnapshotRefresher.Target(site.index(), u.address(), host, sc.snapshot()));
        }
        return new SnapshotRefresher.Round(targets, r.snapshots, r.shieldMaxObject,
                r.upstreamConnectMillis + r.upstreamResponseNanos / 1_000_000);
    }

    private void bind(ListenerConfig l) throws IOException {
        HostPort hp = HostPort.parse(l.address());
        AcceptThrottle throttle = new AcceptThrottle();
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(Transport.CURRENT.serverChannel())
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .handler(throttle)
                .childHandler(new FrontInitializer(() -> rt, l, clients, terminator(l), throttle));
        try {
            Channel ch = b.bind(hp.toSocketAddress()).syncUninterruptibly().channel();
            listeners.add(ch);
            InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
            LOG.info("listening on {}{}, {} transport: {}", new HostPort(bound.getAddress().getHostAddress(), bound.getPort()),
                    l.proxyProtocol() ? " (PROXY protocol)" : "", Transport.CURRENT.name(), Transport.CURRENT.why());
        } catch (Exception e) {
            throw new IOException("cannot listen on " + hp + ": " + e.getMessage(), e);
        }
    }

    /** The listener's TLS terminator (certificates loaded now), or null for a plain-text listener. */
    private TlsTerminator terminator(ListenerConfig l) throws IOException {
        if (!l.secure()) {
            terminators.add(null);
            return null;
        }
        try {
            String name = "listeners[" + terminators.size() + "]";
            TlsTerminator t = new TlsTerminator(name, l.tls());
            t.answerAcme(rt.acmeChallenges); // TLS-ALPN-01 validations, when an order asks for them
            terminators.add(t);
            // file-loaded certificates too (ACME ones have rampart_acme_certificate_expiry_seconds): the soonest to expire
            rt.metrics.listenerGauge("rampart.tls.certificate.expiry.seconds",
                    "Seconds until the listener's soonest-expiring certificate expires (files and ACME alike)", name,
                    () -> t.certificates().certificates().stream()
                            .mapToLong(c -> java.time.Duration.between(java.time.Instant.now(), c.notAfter()).getSeconds())
                            .min().orElse(-1));
            return t;
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The TLS terminators, in listener order (null for plain-text listeners). */
    public List<TlsTerminator> tls() {
        return Collections.unmodifiableList(terminators);
    }

    /** The addresses actually bound, in listener order (ports resolved when configured as 0). */
    public List<InetSocketAddress> listenAddresses() {
        List<InetSocketAddress> out = new ArrayList<>();
        for (Channel c : listeners) {
            out.add((InetSocketAddress) c.localAddress());
        }
        return out;
    }

    /**
     * Replaces the running configuration with {@code next} (already validated) without dropping a
     * connection: new connections get the new configuration at once; connections open now finish
     * the request in hand under the old one and then close (an idle one closes now), so no client
     * stays on the old configuration. What was learned (baselines, rules, limiter state, challenge
     * keys, incidents, run-time list entries) carries over.
     *
     * @return what was applied, such as "2 sites (added: shop; removed: none)"
     * @throws IllegalArgumentException naming every setting that differs and cannot change without
     *                                  a restart; the running configuration stays
     */
    public synchronized String reload(RampartConfig next) {
        if (stopped) {
            throw new IllegalStateException("the gateway is stopping");
        }
        GatewayRuntime old = rt;
        List<String> fixed = Reload.needsRestart(old.config, next);
        if (!fixed.isEmpty()) {
            throw new IllegalArgumentException("these settings cannot change while running (restart to apply them): "
                    + String.join("; ", fixed));
        }
        // the access log is opened again on every reload (a new path, or the same one after logrotate
        // moved the file away); a path that cannot be opened refuses the reload here
        AccessLog log;
        try {
            log = AccessLog.open(next.accessLog().path(), next.accessLog().rejectedPerSecond(), old.metrics);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("accessLog.path: cannot open " + next.accessLog().path() + ": " + e.getMessage(), e);
        }
        try {
            for (int i = 0; i < terminators.size(); i++) {
                if (terminators.get(i) != null) {
                    terminators.get(i).reload(next.listeners().get(i).tls()); // a bad certificate refuses the reload here
                }
            }
        } catch (RuntimeException e) {
            log.close();
            throw e;
        }
        GatewayRuntime fresh = Reload.apply(old, next, log);
        rt = fresh;
        old.draining = true;
        for (Channel c : clients) {
            retire(c, old);
        }
        // the old log still takes the lines of requests that finish on the old configuration
        GlobalEventExecutor.INSTANCE.schedule(old.accessLog::close,
                old.config.timeouts().shutdownGrace().toMillis() + OLD_LOG_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        String applied = Reload.describe(old, fresh);
        LOG.info("configuration reloaded: {}", applied);
        return applied;
    }

    /**
     * Reopens the access log at its configured path (after logrotate moved the file away), without
     * reading the configuration again: it works while the file on disk is broken. Lines in flight
     * go to the old file or the new one, never split.
     *
     * @return what was done, for the log
     */
    public String reopenLogs() {
        return rt.accessLog.reopen();
    }

    /**
     * Moves a client connection off a configuration ({@code old}; null: off every one, at stop). An
     * HTTP/1.1 connection finishes the request in hand and closes (an idle one closes now). An
     * HTTP/2 connection is closed gracefully: GOAWAY(NO_ERROR) tells the client to open a new
     * connection for its next request, and the streams in flight finish first — without it, its
     * streams would go on being built on the configuration the connection began with.
     */
    private static void retire(Channel c, GatewayRuntime old) {
        c.eventLoop().execute(() -> {
            Http1Connection f = c.pipeline().get(Http1Connection.class);
            if (f != null) {
                if (old == null || f.runsOn(old)) {
                    f.drain();
                }
            } else if (c.pipeline().get(Http2FrameCodec.class) != null) {
                c.close();
            }
        });
    }

    /** The sites by name, with their under-attack switch and origins, for the admin API. */
    public List<SiteStatus> sites() {
        GatewayRuntime r = rt;
        List<SiteStatus> out = new ArrayList<>();
        for (int i = 0; i < r.sites.size(); i++) {
            Site s = r.sites.get(i);
            SiteConfig sc = r.config.sites().get(i);
            AdmissionGate g = s.admission();
            out.add(new SiteStatus(s.name(), sc.hosts(), s.upstreams().status(r.ticker.getAsLong()), s.underAttack(),
                    g == null ? -1 : g.limit().limit(), g == null ? 0 : g.inFlight(), g == null ? 0 : g.queued()));
        }
        return out;
    }

    /** One site as the admin API shows it. */
    public record SiteStatus(String name, List<String> hosts, List<OriginStatus> origins, boolean underAttack,
                             int admissionLimit, int inFlight, int queued) {
    }

    /** One origin: its address and whether it is in service (not marked down after failing). */
    public record OriginStatus(String url, boolean up) {
    }

    /** Turns a site's under-attack switch on or off at once; false for an unknown site. */
    public boolean underAttack(String site, boolean on) {
        for (Site s : rt.sites) {
            if (s.name().equals(site)) {
                s.underAttack(on);
                rt.shared.decisions.publish(io.rampart.cluster.SharedDecision.Kind.UNDER_ATTACK, site,
                        java.util.Map.of("on", Boolean.toString(on)), 0, "operator");
                return true;
            }
        }
        return false;
    }

    /** The allow and deny lists (run-time entries can be added and removed). */
    public AccessLists lists() {
        return rt.lists;
    }

    /** Recent requests by reference id. */
    public RefLedger refs() {
        return rt.refs;
    }

    /** Incident records, or null when {@code incidents.enabled} is off. */
    public Incidents incidents() {
        return rt.incidents;
    }

    /** The control plane (detection and automatic rules), or {@code null} when {@code detection.enabled} is off. */
    public ControlPlane detection() {
        return rt.control;
    }

    public GatewayMetrics metrics() {
        return rt.metrics;
    }

    /** Requests between their head and the end of their response right now. */
    public int inFlight() {
        return rt.inFlight.get();
    }

    /** Open client connections. */
    public int openConnections() {
        return rt.gate.open();
    }

    /** Stops within {@code timeouts.shutdownGrace}. */
    @Override
    public void close() {
        stop(rt.config.timeouts().shutdownGrace());
    }

    public synchronized void stop(Duration grace) {
        if (stopped) {
            return;
        }
        stopped = true;
        rt.draining = true;
        for (Channel l : listeners) {
            l.close().syncUninterruptibly();
        }
        for (Channel c : clients) {
            retire(c, null);
        }
        long deadline = System.nanoTime() + grace.toNanos();
        while (rt.inFlight.get() > 0 && System.nanoTime() - deadline < 0) {
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (rt.inFlight.get() > 0) {
            LOG.warn("stopping with {} requests still in flight after {} ms", rt.inFlight.get(), grace.toMillis());
        }
        clients.close().awaitUninterruptibly(2, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        boss.shutdownGracefully(0, 2, TimeUnit.SECONDS).syncUninterruptibly();
        if (acme != null) {
            acme.close();
        }
        rt.shared.close(); // first: open incidents hand their last records to the link, which sends them as it closes
        ClusterLink link = cluster;
        if (link != null) {
            link.close();
        }
        rt.accessLog.close();
    }
}

package io.rampart.proxy;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.WriteBufferWaterMark;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.rampart.config.HostPort;
import io.rampart.config.ListenerConfig;
import io.rampart.config.RampartConfig;
import io.rampart.config.SiteConfig;
import io.rampart.incident.Alerts;
import io.rampart.metrics.GatewayMetrics;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
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
    private final List<io.rampart.tls.TlsTerminator> terminators = new ArrayList<>();
    private volatile boolean stopped;

    private Gateway(GatewayRuntime rt, int threads) {
        this.rt = rt;
        this.boss = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        this.workers = new MultiThreadIoEventLoopGroup(threads, NioIoHandler.newFactory());
    }

    /** Starts a gateway with its own metrics registry and access log, on one event loop per core. */
    public static Gateway start(RampartConfig config) throws IOException {
        List<String> names = config.sites().stream().map(SiteConfig::name).collect(Collectors.toList());
        GatewayMetrics metrics = new GatewayMetrics(names);
        AccessLog log = AccessLog.open(config.accessLog().path(), config.accessLog().rejectedPerSecond(), metrics);
        return start(config, metrics, log, System::nanoTime, Runtime.getRuntime().availableProcessors());
    }

    static Gateway start(RampartConfig config, GatewayMetrics metrics, AccessLog log, LongSupplier ticker, int threads)
            throws IOException {
        GatewayRuntime rt = new GatewayRuntime(config, metrics, log, ticker);
        Gateway g = new Gateway(rt, threads);
        try {
            for (ListenerConfig l : config.listeners()) {
                g.bind(l);
            }
        } catch (IOException | RuntimeException e) {
            g.stop(Duration.ZERO);
            throw e;
        }
        g.startSnapshots();
        g.startAcme();
        if (rt.control != null) {
            rt.control.start();
        }
        return g;
    }

    private io.rampart.tls.AcmeManager acme;

    /** Obtains and renews the certificates of sites marked {@code acme: true} (needs a data directory). */
    private void startAcme() {
        List<io.rampart.tls.AcmeManager.Site> wanted = new ArrayList<>();
        for (SiteConfig sc : rt.config.sites()) {
            if (sc.acme()) {
                wanted.add(new io.rampart.tls.AcmeManager.Site(sc.name(), sc.hosts()));
            }
        }
        if (wanted.isEmpty() || rt.config.dataDir() == null) {
            return;
        }
        acme = new io.rampart.tls.AcmeManager(rt.config.acme(), java.nio.file.Path.of(rt.config.dataDir()), wanted,
                rt.acmeChallenges, files -> {
                    for (io.rampart.tls.TlsTerminator t : terminators) {
                        if (t != null) {
                            try {
                                t.manage(files);
                            } catch (IllegalArgumentException e) {
                                LOG.error("ACME certificates not put in service: {}", e.getMessage());
                            }
                        }
                    }
                }, java.time.Clock.systemUTC());
        acme.start();
        for (io.rampart.tls.AcmeManager.Site site : wanted) {
            rt.metrics.gauge("rampart.acme.certificate.expiry.seconds", "Seconds until the site's ACME certificate expires (-1: none yet)",
                    site.name(), () -> acme.states().stream().filter(st -> st.site().equals(site.name())).findFirst()
                            .map(st -> st.notAfter() == null ? -1 : java.time.Duration.between(java.time.Instant.now(), st.notAfter()).getSeconds())
                            .orElse(-1L));
            rt.metrics.gauge("rampart.acme.failures", "Failed ACME attempts in a row for the site (0: the last one worked)",
                    site.name(), () -> acme.states().stream().filter(st -> st.site().equals(site.name())).findFirst()
                            .map(io.rampart.tls.AcmeManager.State::failures).orElse(0));
        }
    }

    /** The ACME manager, or null when no site asks for automatic certificates. */
    public io.rampart.tls.AcmeManager acme() {
        return acme;
    }

    /**
     * Fetches every site's snapshot pages now and then every {@code shield.snapshotInterval} (the
     * interval at start; a reload can add sites with snapshots and switch the shield on or off).
     */
    private void startSnapshots() {
        long every = rt.config.shield().snapshotInterval().toMillis();
        io.netty.channel.EventLoop loop = workers.next();
        loop.scheduleWithFixedDelay(() -> refreshSnapshots(loop), 0, every, TimeUnit.MILLISECONDS);
    }

    private void refreshSnapshots(io.netty.channel.EventLoop loop) {
        GatewayRuntime r = rt;
        if (r.shield == null) {
            return;
        }
        for (int i = 0; i < r.sites.size(); i++) {
            SiteConfig sc = r.config.sites().get(i);
            if (sc.snapshot().isEmpty()) {
                continue;
            }
            Site site = r.sites.get(i);
            Upstream u = site.upstreams().pick(r.ticker.getAsLong(), null);
            String host = sc.hosts().stream().filter(h -> !h.contains("*")).findFirst()
                    .orElse(u.url().host() + ":" + u.url().port());
            int slot = site.index();
            for (String path : sc.snapshot()) {
                io.rampart.shield.ShieldFetcher.fetch(loop, u.address(), host, path, r.shieldMaxObject,
                        r.upstreamConnectMillis + r.upstreamResponseNanos / 1_000_000, res -> {
                            if (res != null) {
                                r.snapshots.offer(slot, path, res);
                                res.release();
                            }
                        });
            }
        }
    }

    private void bind(ListenerConfig l) throws IOException {
        HostPort hp = HostPort.parse(l.address());
        ServerBootstrap b = new ServerBootstrap()
                .group(boss, workers)
                .channel(NioServerSocketChannel.class)
                .option(ChannelOption.SO_BACKLOG, 4096)
                .option(ChannelOption.SO_REUSEADDR, true)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childOption(ChannelOption.SO_KEEPALIVE, true)
                .childOption(ChannelOption.WRITE_BUFFER_WATER_MARK, new WriteBufferWaterMark(32 * 1024, 64 * 1024))
                .childHandler(new FrontInitializer(() -> rt, l, clients, terminator(l)));
        try {
            Channel ch = b.bind(hp.toSocketAddress()).syncUninterruptibly().channel();
            listeners.add(ch);
            InetSocketAddress bound = (InetSocketAddress) ch.localAddress();
            LOG.info("listening on {}{}", new HostPort(bound.getAddress().getHostAddress(), bound.getPort()),
                    l.proxyProtocol() ? " (PROXY protocol)" : "");
        } catch (Exception e) {
            throw new IOException("cannot listen on " + hp + ": " + e.getMessage(), e);
        }
    }

    /** The listener's TLS terminator (certificates loaded now), or null for a plain-text listener. */
    private io.rampart.tls.TlsTerminator terminator(ListenerConfig l) throws IOException {
        if (!l.secure()) {
            terminators.add(null);
            return null;
        }
        try {
            io.rampart.tls.TlsTerminator t = new io.rampart.tls.TlsTerminator("listeners[" + terminators.size() + "]", l.tls());
            t.answerAcme(rt.acmeChallenges); // TLS-ALPN-01 validations, when an order asks for them
            terminators.add(t);
            return t;
        } catch (IllegalArgumentException e) {
            throw new IOException(e.getMessage(), e);
        }
    }

    /** The TLS terminators, in listener order (null for plain-text listeners). */
    public List<io.rampart.tls.TlsTerminator> tls() {
        return java.util.Collections.unmodifiableList(terminators);
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
        List<String> fixed = Reloads.needsRestart(old.config, next);
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
        GatewayRuntime fresh = new GatewayRuntime(next, old.metrics, log, old.ticker, old);
        fresh.lists.reconfigure(next.allow(), next.deny());
        if (fresh.control != null) {
            if (!old.config.detection().equals(next.detection())) {
                fresh.control.tune(next.detection());
                LOG.info("detection settings tuned (shadow {}, maxStep {})", next.detection().shadow(), next.detection().maxStep());
            }
            fresh.control.sites(fresh.controlSpecs()); // published before the new runtime serves a request
            for (SiteConfig now : next.sites()) {
                SiteConfig was = old.siteConfig(now.name());
                if (was != null && was.pin() != now.pin()) {
                    fresh.control.pin(now.name(), now.pin());
                }
            }
        }
        if (fresh.incidents != null) {
            fresh.incidents.config(next.incidents());
            fresh.incidents.sites(fresh.slots());
            if (!old.config.alerts().equals(next.alerts())) {
                fresh.incidents.alerts(Alerts.of(next.alerts()));
                LOG.info("alert receivers reconfigured: {} webhooks, email {}", next.alerts().webhooks().size(),
                        next.alerts().email() == null ? "off" : "on");
            }
        }
        rt = fresh;
        old.draining = true;
        for (Channel c : clients) {
            retire(c, old);
        }
        // the old log still takes the lines of requests that finish on the old configuration
        GlobalEventExecutor.INSTANCE.schedule(old.accessLog::close,
                old.config.timeouts().shutdownGrace().toMillis() + OLD_LOG_GRACE_MILLIS, TimeUnit.MILLISECONDS);
        String applied = next.sites().size() + (next.sites().size() == 1 ? " site" : " sites") + siteChanges(old, fresh);
        LOG.info("configuration reloaded: {}", applied);
        return applied;
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

    /** " (added: x; removed: y)" when the reload changed the site list, else empty. */
    private static String siteChanges(GatewayRuntime old, GatewayRuntime fresh) {
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
        return added.isEmpty() && removed.isEmpty() ? ""
                : " (added: " + (added.isEmpty() ? "none" : String.join(", ", added))
                + "; removed: " + (removed.isEmpty() ? "none" : String.join(", ", removed)) + ")";
    }

    /** The sites by name, with their under-attack switch and origins, for the admin API. */
    public List<SiteStatus> sites() {
        GatewayRuntime r = rt;
        List<SiteStatus> out = new ArrayList<>();
        for (int i = 0; i < r.sites.size(); i++) {
            Site s = r.sites.get(i);
            SiteConfig sc = r.config.sites().get(i);
            io.rampart.admission.AdmissionGate g = s.admission();
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
                return true;
            }
        }
        return false;
    }

    /** The allow and deny lists (run-time entries can be added and removed). */
    public io.rampart.mitigate.AccessLists lists() {
        return rt.lists;
    }

    /** Recent requests by reference id. */
    public io.rampart.mitigate.RefLedger refs() {
        return rt.refs;
    }

    /** Incident records, or null when {@code incidents.enabled} is off. */
    public io.rampart.incident.Incidents incidents() {
        return rt.incidents;
    }

    /** The control plane (detection and automatic rules), or {@code null} when {@code detection.enabled} is off. */
    public io.rampart.detect.ControlPlane detection() {
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
        if (rt.control != null) {
            rt.control.close();
        }
        if (rt.incidents != null) {
            rt.incidents.close();
            rt.incidentStore.close();
        }
        rt.accessLog.close();
    }
}

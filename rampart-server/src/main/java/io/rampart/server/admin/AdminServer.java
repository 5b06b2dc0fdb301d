package io.rampart.server.admin;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.codec.http.cookie.Cookie;
import io.netty.handler.codec.http.cookie.ServerCookieDecoder;
import io.rampart.challenge.Gatekeeper;
import io.rampart.config.HostPort;
import io.rampart.config.MitigationStep;
import io.rampart.detect.ControlPlane;
import io.rampart.firewall.KernelFirewall;
import io.rampart.proxy.Gateway;
import io.rampart.server.SmallHttpServer;
import io.rampart.traffic.ClientAddress;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.LoggerFactory;

/**
 * The admin listener. Open to anyone who can reach it: {@code GET /metrics} (Prometheus) and
 * {@code GET /healthz}. Behind the token: the dashboard ({@code /}, {@code /ui/*}), the admin API
 * ({@code /api/*}, see {@link AdminApi}) and the detection view ({@code /detection}).
 *
 * <p>Authentication: {@code Authorization: Bearer TOKEN}, or the session cookie set when a browser
 * opens {@code /?token=TOKEN} (it is then redirected to the same address without the token, so
 * the token does not stay in history). The cookie holds a random session id of this listener
 * ({@link AdminSessions}), never the token, and is {@code HttpOnly} and {@code SameSite=Strict};
 * a change made with it must also carry {@code X-Rampart-Csrf: 1}, which a cross-site form cannot
 * send. Its own single event loop, so a scrape never competes with client traffic.
 */
public final class AdminServer implements AutoCloseable {
    static final String COOKIE = Gatekeeper.ADMIN_COOKIE;
    private static final Set<String> OPEN = Set.of("/metrics", "/healthz");
    private final SmallHttpServer server;
    private final AdminToken token;
    private final History history;

    private AdminServer(Gateway gateway, HostPort address, AdminToken token, Operators operators, java.nio.file.Path historyDir,
                        AdminApi.Reloader reloader, Runnable listsChanged) throws IOException {
        this.token = token;
        this.history = historyDir == null ? History.inMemory() : History.in(historyDir);
        LiveRates rates = new LiveRates(gateway.metrics(), gateway.firewall() == null ? null : gateway.firewall()::droppedPackets, history,
                () -> gateway.detection() == null ? List.of() : gateway.detection().totals());
        AdminApi api = new AdminApi(gateway, reloader, rates, listsChanged);
        Dashboard dashboard = new Dashboard();
        AdminSessions sessions = new AdminSessions(System::currentTimeMillis);
        server = new SmallHttpServer("admin", address.toSocketAddress(), 64 * 1024,
                () -> new Handler(gateway, operators, sessions, api, dashboard));
        rates.sample(System.currentTimeMillis());
        server.every(1000, () -> rates.sample(System.currentTimeMillis()));
    }

    /** Starts the admin listener with a token and, if the gateway came from a file, a way to reload it. */
    public static AdminServer start(Gateway gateway, HostPort address, AdminToken token, AdminApi.Reloader reloader,
                                    Runnable listsChanged) throws IOException {
        return start(gateway, address, token, Operators.only(token), null, reloader, listsChanged);
    }

    /**
     * Starts the admin listener for the admin token's holder and the named {@code operators}, keeping
     * the traffic history in {@code historyDir} (null: in memory only).
     */
    public static AdminServer start(Gateway gateway, HostPort address, AdminToken token, Operators operators, java.nio.file.Path historyDir,
                                    AdminApi.Reloader reloader, Runnable listsChanged) throws IOException {
        AdminServer admin = new AdminServer(gateway, address, token, operators, historyDir, reloader,
                listsChanged == null ? () -> { } : listsChanged);
        InetSocketAddress bound = admin.address();
        if (!bound.getAddress().isLoopbackAddress()) {
            LoggerFactory.getLogger(AdminServer.class).warn("the admin listener on {} is reachable from other machines: its "
                    + "/metrics and /healthz are open to anyone who can reach it, and the dashboard and API are one token away; "
                    + "bind it to 127.0.0.1 (admin.address) or firewall it", new HostPort(bound.getAddress().getHostAddress(), bound.getPort()));
        }
        return admin;
    }

    public InetSocketAddress address() {
        return server.address();
    }

    public AdminToken token() {
        return token;
    }

    @Override
    public void close() {
        server.close();
        history.close();
    }

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Gateway gateway;
        private final Operators operators;
        private final AdminSessions sessions;
        private final AdminApi api;
        private final Dashboard dashboard;

        Handler(Gateway gateway, Operators operators, AdminSessions sessions, AdminApi api, Dashboard dashboard) {
            this.gateway = gateway;
            this.operators = operators;
            this.sessions = sessions;
            this.api = api;
            this.dashboard = dashboard;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (!req.decoderResult().isSuccess()) {
                send(ctx, req, Reply.error(HttpResponseStatus.BAD_REQUEST, "bad request: " + req.decoderResult().cause().getMessage()), false);
                return;
            }
            QueryStringDecoder query = new QueryStringDecoder(req.uri());
            String path = query.path();
            boolean get = req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD;
            if (OPEN.contains(path)) {
                if (!get) {
                    send(ctx, req, Reply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, "only GET is served on " + path), true);
                } else if ("/metrics".equals(path)) {
                    send(ctx, req, Reply.text(HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8", gateway.metrics().scrape()), true);
                } else {
                    send(ctx, req, Reply.text(HttpResponseStatus.OK, "application/json", "{\"status\":\"ok\",\"connections\":"
                            + gateway.openConnections() + ",\"inFlight\":" + gateway.inFlight() + "}\n"), true);
                }
                return;
            }
            List<String> offered = query.parameters().get("token");
            if (get && offered != null && offered.size() == 1) {
                Operator signedIn = operators.find(offered.get(0));
                if (signedIn == null) {
                    send(ctx, req, Reply.text(HttpResponseStatus.UNAUTHORIZED, "text/html; charset=utf-8", Dashboard.denied("That token is not this gateway's.")), true);
                    return;
                }
                String cookie = COOKIE + "=" + sessions.open(signedIn) + "; Path=/; HttpOnly; SameSite=Strict";
                send(ctx, req, Reply.text(HttpResponseStatus.SEE_OTHER, "text/plain", "signed in\n")
                        .with("Location", path).with("Set-Cookie", cookie), true);
                return;
            }
            Auth auth = authenticate(req);
            if (auth == null) {
                boolean browser = get && !path.startsWith("/api/") && !path.startsWith("/detection");
                Reply r = browser
                        ? Reply.text(HttpResponseStatus.UNAUTHORIZED, "text/html; charset=utf-8",
                                Dashboard.denied("Open the address Rampart printed at start (it ends in ?token=…), or send Authorization: Bearer TOKEN."))
                        : Reply.error(HttpResponseStatus.UNAUTHORIZED, "missing or wrong admin token: send Authorization: Bearer TOKEN "
                                + "(the token is in the data directory's admin-token file, RAMPART_ADMIN_TOKEN or admin.tokenFile)");
                send(ctx, req, r.with("WWW-Authenticate", "Bearer realm=\"rampart-admin\""), true);
                return;
            }
            if (!get && auth.cookie() && !"1".equals(req.headers().get("X-Rampart-Csrf"))) {
                send(ctx, req, Reply.error(HttpResponseStatus.FORBIDDEN, "a change made with the session cookie must carry X-Rampart-Csrf: 1"), true);
                return;
            }
            if (!get && !auth.operator().mayAct()) {
                LoggerFactory.getLogger(AdminServer.class).warn("admin: {}@{} (viewer) refused: {} {}", auth.operator().name(), remote(ctx),
                        req.method(), path);
                send(ctx, req, Reply.error(HttpResponseStatus.FORBIDDEN, "user " + auth.operator().name()
                        + " has the viewer role: it reads everything and changes nothing (an operator's token is needed for " + req.method() + " " + path + ")"), true);
                return;
            }
            String who = auth.operator().name() + "@" + remote(ctx);
            KernelFirewall fw = gateway.firewall();
            if (fw != null && ctx.channel().remoteAddress() instanceof InetSocketAddress) {
                // the operator's own address is never dropped by the kernel (a deny of their own network cannot lock them out)
                fw.protect(ClientAddress.of(ctx.channel().remoteAddress()));
            }
            if (path.startsWith("/api/")) {
                String body = req.content().toString(StandardCharsets.UTF_8);
                send(ctx, req, "/api/whoami".equals(path) && get ? Reply.ok(java.util.Map.of("name", auth.operator().name(),
                        "role", auth.operator().role(), "from", remote(ctx))) : api.handle(req.method(), path, query.parameters(), body, who), true);
                return;
            }
            if (path.equals("/detection") || path.startsWith("/detection/")) {
                send(ctx, req, detection(req.method(), path, query.parameters(), who), true);
                return;
            }
            if (!get) {
                send(ctx, req, Reply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, req.method() + " is not allowed on " + path), true);
                return;
            }
            Reply page = dashboard.serve(path);
            send(ctx, req, page == null ? AdminApi.notFound(path) : page, true);
        }

        /** The detection view and its two switches (kept from before {@code /api/}; the API has the same). */
        private Reply detection(HttpMethod method, String path, Map<String, List<String>> q, String who) {
            ControlPlane control = gateway.detection();
            if (control == null) {
                return Reply.error(HttpResponseStatus.CONFLICT, "detection is off (detection.enabled: false)");
            }
            if ("/detection".equals(path) && (method == HttpMethod.GET || method == HttpMethod.HEAD)) {
                return Reply.ok(control.view());
            }
            if ("/detection/pin".equals(path) && method == HttpMethod.POST) {
                List<String> site = q.get("site");
                if (site == null || site.size() != 1 || site.get(0).isBlank()) {
                    return Reply.error(HttpResponseStatus.BAD_REQUEST, "expected one site=NAME");
                }
                return api.handle(method, "/api/sites/" + site.get(0) + "/pin", q, "", who);
            }
            if ("/detection/shadow".equals(path) && method == HttpMethod.POST) {
                List<String> rule = q.get("rule");
                if (rule == null || rule.size() != 1 || rule.get(0).isBlank()) {
                    return Reply.error(HttpResponseStatus.BAD_REQUEST, "expected one rule=ID (see GET /detection)");
                }
                return api.handle(method, "/api/rules/" + rule.get(0) + "/shadow", q, "", who);
            }
            return Reply.error(HttpResponseStatus.METHOD_NOT_ALLOWED, method + " is not allowed on " + path
                    + " (GET /detection, POST /detection/pin?site=S&step=" + MitigationStep.BLOCK.id() + ", POST /detection/shadow?rule=ID&on=true)");
        }

        /** Who the caller is, and whether they came with the browser's session cookie (then changes need the CSRF header). */
        private record Auth(Operator operator, boolean cookie) {
        }

        /** The caller, or null when neither a known token nor a live session came with the request. */
        private Auth authenticate(FullHttpRequest req) {
            String h = req.headers().get(HttpHeaderNames.AUTHORIZATION);
            if (h != null && h.regionMatches(true, 0, "Bearer ", 0, 7)) {
                Operator o = operators.find(h.substring(7).trim());
                if (o != null) {
                    return new Auth(o, false);
                }
            }
            String cookies = req.headers().get(HttpHeaderNames.COOKIE);
            if (cookies != null) {
                try {
                    for (Cookie c : ServerCookieDecoder.STRICT.decodeAll(cookies)) {
                        Operator o = COOKIE.equals(c.name()) ? sessions.valid(c.value()) : null;
                        if (o != null) {
                            return new Auth(o, true);
                        }
                    }
                } catch (IllegalArgumentException malformed) {
                    return null;
                }
            }
            return null;
        }

        private static String remote(ChannelHandlerContext ctx) {
            InetSocketAddress a = (InetSocketAddress) ctx.channel().remoteAddress();
            return a == null ? "?" : a.getAddress().getHostAddress();
        }

        private static void send(ChannelHandlerContext ctx, FullHttpRequest req, Reply r, boolean keepAliveAllowed) {
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, r.status(),
                    req.method() == HttpMethod.HEAD ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(r.body()));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, r.type())
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, r.body().length)
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                    .set("X-Content-Type-Options", "nosniff")
                    .set("X-Frame-Options", "DENY")
                    .set("Referrer-Policy", "no-referrer");
            if (r.type().startsWith("text/html")) {
                res.headers().set("Content-Security-Policy", "default-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:");
            }
            r.headers().forEach((k, v) -> res.headers().set(k, v));
            boolean keep = keepAliveAllowed && HttpUtil.isKeepAlive(req);
            if (keep) {
                ctx.writeAndFlush(res);
            } else {
                res.headers().set(HttpHeaderNames.CONNECTION, "close");
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}

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
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.config.HostPort;
import io.rampart.config.MitigationStep;
import io.rampart.detect.ControlPlane;
import io.rampart.proxy.Gateway;
import io.rampart.server.SmallHttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.List;

/**
 * The admin listener: {@code GET /metrics} (Prometheus text), {@code GET /healthz},
 * {@code GET /detection} (each site's detected state, signals, rules, transitions) and
 * {@code POST /detection/pin?site=S&step=STEP} (hold a site's rules at one rung) and
 * {@code POST /detection/shadow?rule=ID&on=true|false} (one rule counted, not enforced). Its own
 * single event loop, so a scrape never competes with client traffic for a proxy thread.
 */
public final class AdminServer implements AutoCloseable {
    private final SmallHttpServer server;

    private AdminServer(Gateway gateway, HostPort address) throws IOException {
        server = new SmallHttpServer("admin", address.toSocketAddress(), 64 * 1024, () -> new Handler(gateway));
    }

    public static AdminServer start(Gateway gateway, HostPort address) throws IOException {
        return new AdminServer(gateway, address);
    }

    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private static final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        private final Gateway gateway;

        Handler(Gateway gateway) {
            this.gateway = gateway;
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            if (!req.decoderResult().isSuccess()) {
                send(ctx, req, HttpResponseStatus.BAD_REQUEST, "application/json", "{\"error\":\"bad request\"}\n", false);
                return;
            }
            QueryStringDecoder query = new QueryStringDecoder(req.uri());
            String path = query.path();
            if (req.method() == HttpMethod.POST && "/detection/pin".equals(path)) {
                pin(ctx, req, query);
                return;
            }
            if (req.method() == HttpMethod.POST && "/detection/shadow".equals(path)) {
                shadow(ctx, req, query);
                return;
            }
            boolean get = req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD;
            if (!get) {
                send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "application/json",
                        "{\"error\":\"only GET is served here, and POST on /detection/pin and /detection/shadow\"}\n", true);
                return;
            }
            switch (path) {
                case "/metrics":
                    send(ctx, req, HttpResponseStatus.OK, "text/plain; version=0.0.4; charset=utf-8",
                            gateway.metrics().scrape(), true);
                    break;
                case "/healthz":
                    send(ctx, req, HttpResponseStatus.OK, "application/json",
                            "{\"status\":\"ok\",\"connections\":" + gateway.openConnections()
                                    + ",\"inFlight\":" + gateway.inFlight() + "}\n", true);
                    break;
                case "/detection":
                    ControlPlane control = gateway.detection();
                    if (control == null) {
                        send(ctx, req, HttpResponseStatus.CONFLICT, "application/json", error("detection is off (detection.enabled: false)"), true);
                    } else {
                        send(ctx, req, HttpResponseStatus.OK, "application/json", json(control.view()), true);
                    }
                    break;
                default:
                    send(ctx, req, HttpResponseStatus.NOT_FOUND, "application/json",
                            "{\"error\":\"not found\",\"paths\":[\"/metrics\",\"/healthz\",\"/detection\",\"POST /detection/pin?site=S&step=STEP\",\"POST /detection/shadow?rule=ID&on=true|false\"]}\n", true);
            }
        }

        /** {@code POST /detection/pin?site=NAME&step=STEP}: holds a site's automatic rules at one rung ({@code auto}: releases it). */
        private void pin(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query) {
            ControlPlane control = gateway.detection();
            if (control == null) {
                send(ctx, req, HttpResponseStatus.CONFLICT, "application/json", error("detection is off (detection.enabled: false)"), true);
                return;
            }
            List<String> site = query.parameters().get("site");
            List<String> step = query.parameters().get("step");
            if (site == null || site.size() != 1 || site.get(0).isBlank()) {
                send(ctx, req, HttpResponseStatus.BAD_REQUEST, "application/json", error("expected one site=NAME"), true);
                return;
            }
            if (step == null || step.size() != 1) {
                send(ctx, req, HttpResponseStatus.BAD_REQUEST, "application/json",
                        error("expected one step=auto|observe|limit|challenge|block|close|under-attack"), true);
                return;
            }
            MitigationStep parsed;
            try {
                parsed = MitigationStep.parse(step.get(0));
            } catch (IllegalArgumentException e) {
                send(ctx, req, HttpResponseStatus.BAD_REQUEST, "application/json", error("step: " + e.getMessage()), true);
                return;
            }
            if (!control.pin(site.get(0), parsed)) {
                send(ctx, req, HttpResponseStatus.NOT_FOUND, "application/json", error("no site named '" + site.get(0) + "'"), true);
                return;
            }
            send(ctx, req, HttpResponseStatus.OK, "application/json",
                    "{\"site\":" + quote(site.get(0)) + ",\"pin\":\"" + (parsed == null ? "auto" : parsed.id()) + "\"}\n", true);
        }

        /** {@code POST /detection/shadow?rule=ID&on=true|false}: one rule counted but not enforced, or enforced again. */
        private void shadow(ChannelHandlerContext ctx, FullHttpRequest req, QueryStringDecoder query) {
            ControlPlane control = gateway.detection();
            if (control == null) {
                send(ctx, req, HttpResponseStatus.CONFLICT, "application/json", error("detection is off (detection.enabled: false)"), true);
                return;
            }
            List<String> rule = query.parameters().get("rule");
            List<String> on = query.parameters().get("on");
            if (rule == null || rule.size() != 1 || rule.get(0).isBlank()) {
                send(ctx, req, HttpResponseStatus.BAD_REQUEST, "application/json", error("expected one rule=ID (see GET /detection)"), true);
                return;
            }
            if (on == null || on.size() != 1 || !("true".equals(on.get(0)) || "false".equals(on.get(0)))) {
                send(ctx, req, HttpResponseStatus.BAD_REQUEST, "application/json", error("expected on=true or on=false"), true);
                return;
            }
            boolean shadow = "true".equals(on.get(0));
            if (!control.shadowRule(rule.get(0), shadow)) {
                send(ctx, req, HttpResponseStatus.NOT_FOUND, "application/json", error("no rule in force with id '" + rule.get(0) + "'"), true);
                return;
            }
            send(ctx, req, HttpResponseStatus.OK, "application/json",
                    "{\"rule\":" + quote(rule.get(0)) + ",\"shadow\":" + shadow + "}\n", true);
        }

        private static String error(String message) {
            return "{\"error\":" + quote(message) + "}\n";
        }

        private static String quote(String s) {
            try {
                return JSON.writeValueAsString(s);
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        private static String json(Object value) {
            try {
                return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(value) + "\n";
            } catch (JsonProcessingException e) {
                throw new IllegalStateException(e);
            }
        }

        private static void send(ChannelHandlerContext ctx, FullHttpRequest req, HttpResponseStatus status,
                                 String type, String body, boolean keepAliveAllowed) {
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    req.method() == HttpMethod.HEAD ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(bytes));
            res.headers().set(HttpHeaderNames.CONTENT_TYPE, type)
                    .setInt(HttpHeaderNames.CONTENT_LENGTH, bytes.length)
                    .set(HttpHeaderNames.CACHE_CONTROL, "no-store");
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

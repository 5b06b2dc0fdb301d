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
import io.rampart.config.HostPort;
import io.rampart.proxy.Gateway;
import io.rampart.server.SmallHttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * The admin listener: {@code GET /metrics} (Prometheus text) and {@code GET /healthz}. Its own
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
            String path = new QueryStringDecoder(req.uri()).path();
            boolean get = req.method() == HttpMethod.GET || req.method() == HttpMethod.HEAD;
            if (!get) {
                send(ctx, req, HttpResponseStatus.METHOD_NOT_ALLOWED, "application/json",
                        "{\"error\":\"only GET is served here\"}\n", true);
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
                default:
                    send(ctx, req, HttpResponseStatus.NOT_FOUND, "application/json",
                            "{\"error\":\"not found\",\"paths\":[\"/metrics\",\"/healthz\"]}\n", true);
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

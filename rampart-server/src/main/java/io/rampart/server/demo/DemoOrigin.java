package io.rampart.server.demo;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rampart.server.SmallHttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The demo's origin: {@code /} (a page), {@code /style.css}, {@code /api/status} (JSON, counts
 * what reached it), {@code /slow} (200 ms). Tiny on purpose — the point is what stands in front.
 */
public final class DemoOrigin implements AutoCloseable {
    private static final String PAGE = """
            <!doctype html>
            <html lang="en"><head><meta charset="utf-8"><title>Demo campaign site</title>
            <link rel="stylesheet" href="/style.css"></head>
            <body><main><h1>Demo campaign site</h1>
            <p>This page comes from the demo origin, through Rampart.</p>
            <p>Look at the response headers: <code>Via: 1.1 rampart</code> and <code>X-Rampart-Ref</code>.</p>
            </main></body></html>
            """;
    private static final String CSS = "body{font:16px/1.5 system-ui,sans-serif;max-width:40em;margin:3em auto}\n";

    private final AtomicLong served = new AtomicLong();
    private final SmallHttpServer server;

    public DemoOrigin(InetSocketAddress address) throws IOException {
        server = new SmallHttpServer("demo origin", address, 1 << 20, Handler::new);
    }

    public InetSocketAddress address() {
        return server.address();
    }

    @Override
    public void close() {
        server.close();
    }

    private final class Handler extends SimpleChannelInboundHandler<FullHttpRequest> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
            long n = served.incrementAndGet();
            String path = new QueryStringDecoder(req.uri()).path();
            switch (path) {
                case "/":
                    send(ctx, req, "text/html; charset=utf-8", PAGE);
                    break;
                case "/style.css":
                    send(ctx, req, "text/css", CSS);
                    break;
                case "/api/status":
                    send(ctx, req, "application/json", "{\"ok\":true,\"served\":" + n + "}\n");
                    break;
                case "/slow":
                    req.retain();
                    ctx.executor().schedule(() -> {
                        send(ctx, req, "text/plain", "slow answer\n");
                        req.release();
                    }, 200, TimeUnit.MILLISECONDS);
                    break;
                default:
                    FullHttpResponse nf = response(HttpResponseStatus.NOT_FOUND, "text/plain", "not found\n");
                    write(ctx, req, nf);
            }
        }

        private void send(ChannelHandlerContext ctx, FullHttpRequest req, String type, String body) {
            write(ctx, req, response(HttpResponseStatus.OK, type, body));
        }

        private FullHttpResponse response(HttpResponseStatus status, String type, String body) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, type).setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
            return r;
        }

        private void write(ChannelHandlerContext ctx, FullHttpRequest req, FullHttpResponse r) {
            if (HttpUtil.isKeepAlive(req)) {
                ctx.writeAndFlush(r);
            } else {
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            }
        }
    }
}

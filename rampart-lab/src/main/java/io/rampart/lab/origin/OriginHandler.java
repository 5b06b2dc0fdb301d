package io.rampart.lab.origin;

import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.rampart.lab.Kind;
import io.rampart.lab.RunClock;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Answers one connection's requests, one at a time (reads pause while a request is with a
 * worker, like a blocking server). Routes: {@code /} and {@code /article/N} (rendered pages,
 * cacheable), {@code /static/*} (cheap), {@code /search?q=} (expensive, private), {@code GET|POST
 * /login} (the form; a log-in costs the most), {@code /account} and {@code /app/*} (need the
 * session cookie), {@code /feed.xml}, {@code /api/v1/items}, {@code /download/report.pdf} (1 MiB).
 */
final class OriginHandler extends SimpleChannelInboundHandler<FullHttpRequest> {
    private static final String CACHEABLE = "public, max-age=5";
    private static final String ASSET = "public, max-age=3600";
    private static final String PRIVATE = "private, no-store";

    private final SiteContent content;
    private final WorkerPool pool;
    private final OriginCapacity capacity;
    private final OriginStats stats;
    private final RunClock clock;

    OriginHandler(SiteContent content, WorkerPool pool, OriginCapacity capacity, OriginStats stats, RunClock clock) {
        this.content = content;
        this.pool = pool;
        this.capacity = capacity;
        this.stats = stats;
        this.clock = clock;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
        stats.arrived(Kind.ofLabel(req.headers().get(Kind.HEADER)), clock.second());
        if (!req.decoderResult().isSuccess()) {
            send(ctx, false, HttpResponseStatus.BAD_REQUEST, content.notFound, "text/html", PRIVATE, null);
            return;
        }
        boolean keepAlive = HttpUtil.isKeepAlive(req);
        String uri = req.uri();
        int q = uri.indexOf('?');
        String path = q < 0 ? uri : uri.substring(0, q);
        HttpMethod method = req.method();
        if (path.startsWith("/static/")) {
            ByteBuf body = asset(path);
            send(ctx, keepAlive, body == null ? HttpResponseStatus.NOT_FOUND : HttpResponseStatus.OK,
                    body == null ? content.notFound : body, contentType(path), ASSET, null);
        } else if (path.equals("/") || path.startsWith("/article/")) {
            work(ctx, keepAlive, capacity.pageCost().toNanos(), HttpResponseStatus.OK, content.page, "text/html; charset=utf-8", CACHEABLE, null);
        } else if (path.equals("/search")) {
            work(ctx, keepAlive, capacity.searchCost().toNanos(), HttpResponseStatus.OK, content.search, "text/html; charset=utf-8", PRIVATE, null);
        } else if (path.equals("/login") && method.equals(HttpMethod.POST)) {
            boolean wellFormed = req.content().toString(java.nio.charset.StandardCharsets.US_ASCII).contains("user=");
            if (wellFormed) {
                work(ctx, keepAlive, capacity.loginCost().toNanos(), HttpResponseStatus.SEE_OTHER, null, null, PRIVATE, "/account");
            } else {
                send(ctx, keepAlive, HttpResponseStatus.BAD_REQUEST, content.notFound, "text/html", PRIVATE, null);
            }
        } else if (path.equals("/login")) {
            send(ctx, keepAlive, HttpResponseStatus.OK, content.loginForm, "text/html; charset=utf-8", PRIVATE, null);
        } else if (path.equals("/account") || path.startsWith("/app/")) {
            String cookie = req.headers().get(HttpHeaderNames.COOKIE);
            if (cookie == null || !cookie.contains("sid=")) {
                send(ctx, keepAlive, HttpResponseStatus.FOUND, null, null, PRIVATE, "/login");
            } else {
                work(ctx, keepAlive, capacity.pageCost().toNanos(), HttpResponseStatus.OK, content.account, "text/html; charset=utf-8", PRIVATE, null);
            }
        } else if (path.equals("/feed.xml")) {
            send(ctx, keepAlive, HttpResponseStatus.OK, content.feed, "application/rss+xml", "public, max-age=60", null);
        } else if (path.equals("/api/v1/items")) {
            work(ctx, keepAlive, capacity.apiCost().toNanos(), HttpResponseStatus.OK, content.api, "application/json", PRIVATE, null);
        } else if (path.equals("/download/report.pdf")) {
            send(ctx, keepAlive, HttpResponseStatus.OK, content.download, "application/pdf", PRIVATE, null);
        } else {
            send(ctx, keepAlive, HttpResponseStatus.NOT_FOUND, content.notFound, "text/html; charset=utf-8", PRIVATE, null);
        }
    }

    private void work(ChannelHandlerContext ctx, boolean keepAlive, long costNanos, HttpResponseStatus status,
                      ByteBuf body, String type, String cacheControl, String location) {
        ctx.channel().config().setAutoRead(false);
        pool.submit(new WorkerPool.Job() {
            @Override
            public void serve() {
                send(ctx, keepAlive, status, body, type, cacheControl, location);
            }

            @Override
            public void shed() {
                FullHttpResponse r = response(HttpResponseStatus.SERVICE_UNAVAILABLE, content.busy, "text/html", PRIVATE, null);
                r.headers().set("x-lab-shed", "1").set(HttpHeaderNames.RETRY_AFTER, "5");
                write(ctx, r, keepAlive);
            }
        }, costNanos);
    }

    private void send(ChannelHandlerContext ctx, boolean keepAlive, HttpResponseStatus status, ByteBuf body,
                      String type, String cacheControl, String location) {
        FullHttpResponse r = response(status, body, type, cacheControl, location);
        if (location != null && location.equals("/account")) {
            String user = "s" + Long.toHexString(ThreadLocalRandom.current().nextLong());
            r.headers().add(HttpHeaderNames.SET_COOKIE, "sid=" + user + "; Path=/; HttpOnly");
            // what a real site does for Rampart's known users: a signed token beside its session
            r.headers().add(HttpHeaderNames.SET_COOKIE, UserToken.COOKIE + "=" + UserToken.mint(user) + "; Path=/; HttpOnly");
        }
        write(ctx, r, keepAlive);
    }

    private static FullHttpResponse response(HttpResponseStatus status, ByteBuf body, String type, String cacheControl, String location) {
        FullHttpResponse r = body == null
                ? new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status)
                : new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, body.duplicate());
        r.headers().set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        if (type != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, type);
        }
        r.headers().set(HttpHeaderNames.CACHE_CONTROL, cacheControl);
        if (location != null) {
            r.headers().set(HttpHeaderNames.LOCATION, location);
        }
        return r;
    }

    private static void write(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
        if (!ctx.channel().isActive()) {
            r.release();
            return;
        }
        if (keepAlive) {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
            ctx.writeAndFlush(r);
            ctx.channel().config().setAutoRead(true);
        } else {
            r.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
            ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
        }
    }

    private ByteBuf asset(String path) {
        switch (path) {
            case "/static/site.css": return content.css;
            case "/static/app.js": return content.js;
            case "/static/logo.svg": return content.svg;
            case "/static/photo.jpg": return content.photo;
            default: return null;
        }
    }

    private static String contentType(String path) {
        if (path.endsWith(".css")) {
            return "text/css";
        } else if (path.endsWith(".js")) {
            return "text/javascript";
        } else if (path.endsWith(".svg")) {
            return "image/svg+xml";
        }
        return path.endsWith(".jpg") ? "image/jpeg" : "text/html";
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        ctx.close();
    }
}

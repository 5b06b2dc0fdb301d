package io.rampart.testing;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.QueryStringDecoder;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A real HTTP/1.1 origin on a loopback port, for integration tests. Paths:
 * <ul>
 *   <li>{@code /} and anything unknown: a small page;</li>
 *   <li>{@code /echo}: the request head as text, one header per line;</li>
 *   <li>{@code /upload}: streams the body, answers its length and SHA-256;</li>
 *   <li>{@code /download?size=N}: N bytes streamed in chunks;</li>
 *   <li>{@code /slow?ms=N}: answers after N ms;</li>
 *   <li>{@code /until-close}: a body with no length, ended by closing;</li>
 *   <li>{@code /continue}: answers 100 Continue before reading the body;</li>
 *   <li>{@code /login?user=U&password=P}: a log-in; with the password {@code correct}, 303 and a
 *       signed user token for U in the cookie {@code rampart_user} (secret {@link #TOKEN_SECRET}),
 *       otherwise 200 and no cookie;</li>
 * </ul>
 * It counts connections and requests and keeps the heads it received.
 */
public final class TestOrigin implements AutoCloseable {
    /** The secret {@code /login} signs user tokens with ({@code knownUsers.tokenSecret}). */
    public static final String TOKEN_SECRET = "test-origin-user-token-secret";
    private static final io.rampart.challenge.UserTokens TOKENS = new io.rampart.challenge.UserTokens(TOKEN_SECRET, System::currentTimeMillis);
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    public final AtomicInteger connections = new AtomicInteger();
    public final AtomicInteger requests = new AtomicInteger();
    /** Requests whose body arrived completely (the origin answered them). */
    public final AtomicInteger completed = new AtomicInteger();
    /** Requests to {@code /slow} being worked on now, and the most there ever were at once. */
    public final AtomicInteger slowInFlight = new AtomicInteger();
    public final AtomicInteger slowInFlightMax = new AtomicInteger();
    /** Requests that reached {@code /cached}, and a switch that makes it answer 500. */
    public final AtomicInteger cachedHits = new AtomicInteger();
    public volatile boolean cachedFails;
    public final ConcurrentLinkedQueue<HttpRequest> heads = new ConcurrentLinkedQueue<>();

    public TestOrigin() {
        server = new ServerBootstrap()
                .group(group)
                .channel(NioServerSocketChannel.class)
                .childOption(ChannelOption.TCP_NODELAY, true)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        connections.incrementAndGet();
                        ch.pipeline().addLast(new HttpServerCodec(), new Handler());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    public int port() {
        return ((InetSocketAddress) server.localAddress()).getPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    public HttpRequest lastHead() {
        HttpRequest last = null;
        for (HttpRequest r : heads) {
            last = r;
        }
        return last;
    }

    @Override
    public void close() {
        server.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    private final class Handler extends SimpleChannelInboundHandler<HttpObject> {
        private HttpRequest req;
        private MessageDigest digest;
        private long uploaded;
        private String lastTrailer;

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, HttpObject msg) throws Exception {
            if (msg instanceof HttpRequest) {
                req = (HttpRequest) msg;
                requests.incrementAndGet();
                heads.add(req);
                digest = sha256();
                uploaded = 0;
                if (path().equals("/continue") && HttpUtil.is100ContinueExpected(req)) {
                    ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE));
                }
            }
            if (msg instanceof HttpContent) {
                ByteBuf c = ((HttpContent) msg).content();
                uploaded += c.readableBytes();
                digest.update(c.nioBuffer());
                if (msg instanceof LastHttpContent) {
                    lastTrailer = ((LastHttpContent) msg).trailingHeaders().get("x-client-trailer");
                    completed.incrementAndGet();
                    respond(ctx);
                }
            }
        }

        private String path() {
            return new QueryStringDecoder(req.uri()).path();
        }

        private void respond(ChannelHandlerContext ctx) {
            QueryStringDecoder q = new QueryStringDecoder(req.uri());
            boolean keepAlive = HttpUtil.isKeepAlive(req);
            switch (q.path()) {
                case "/cached": {
                    // a page with the Cache-Control (cc), Vary and cookie the test asks for; the body
                    // counts the origin's answers so a test can tell a stored copy from a fresh one
                    int n = cachedHits.incrementAndGet();
                    if (cachedFails) {
                        send(ctx, text(HttpResponseStatus.INTERNAL_SERVER_ERROR, "origin failing"), keepAlive);
                        return;
                    }
                    String lang = req.headers().get("accept-language", "-");
                    FullHttpResponse r = text(HttpResponseStatus.OK, "n=" + n + " lang=" + lang);
                    r.headers().set(HttpHeaderNames.CACHE_CONTROL, param(q, "cc", "no-store"));
                    if (q.parameters().containsKey("vary")) {
                        r.headers().set(HttpHeaderNames.VARY, param(q, "vary", ""));
                    }
                    if (q.parameters().containsKey("cookie")) {
                        r.headers().set(HttpHeaderNames.SET_COOKIE, "s=1");
                    }
                    long ms = Long.parseLong(param(q, "ms", "0"));
                    if (ms > 0) {
                        ctx.executor().schedule(() -> send(ctx, r, keepAlive), ms, TimeUnit.MILLISECONDS);
                    } else {
                        send(ctx, r, keepAlive);
                    }
                    return;
                }
                case "/login": {
                    if ("correct".equals(param(q, "password", ""))) {
                        FullHttpResponse r = text(HttpResponseStatus.SEE_OTHER, "welcome");
                        r.headers().set(HttpHeaderNames.LOCATION, "/account");
                        r.headers().add(HttpHeaderNames.SET_COOKIE, "sid=" + System.nanoTime() + "; Path=/; HttpOnly");
                        r.headers().add(HttpHeaderNames.SET_COOKIE, "rampart_user="
                                + TOKENS.mint(param(q, "user", "nobody"), System.currentTimeMillis() / 1000 + 3600) + "; Path=/; HttpOnly");
                        send(ctx, r, keepAlive);
                    } else {
                        send(ctx, text(HttpResponseStatus.OK, "wrong password"), keepAlive);
                    }
                    return;
                }
                case "/echo": {
                    StringBuilder sb = new StringBuilder();
                    sb.append(req.method()).append(' ').append(req.uri()).append(' ').append(req.protocolVersion()).append('\n');
                    for (Map.Entry<String, String> e : req.headers()) {
                        sb.append(e.getKey().toLowerCase()).append(": ").append(e.getValue()).append('\n');
                    }
                    send(ctx, text(HttpResponseStatus.OK, sb.toString()), keepAlive);
                    return;
                }
                case "/upload":
                case "/continue":
                    send(ctx, text(HttpResponseStatus.OK, uploaded + " " + HexFormat.of().formatHex(digest.digest())), keepAlive);
                    return;
                case "/download": {
                    long size = Long.parseLong(param(q, "size", "1048576"));
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    HttpUtil.setContentLength(head, size);
                    head.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/octet-stream");
                    ctx.write(head);
                    streamDownload(ctx, size, keepAlive);
                    return;
                }
                case "/slow": {
                    long ms = Long.parseLong(param(q, "ms", "1000"));
                    slowInFlightMax.accumulateAndGet(slowInFlight.incrementAndGet(), Math::max);
                    ctx.executor().schedule(() -> {
                        slowInFlight.decrementAndGet();
                        send(ctx, text(HttpResponseStatus.OK, "slow " + ms), keepAlive);
                    }, ms, TimeUnit.MILLISECONDS);
                    return;
                }
                case "/range": {
                    // a static 100-byte resource that honours one simple byte range
                    byte[] all = new byte[100];
                    for (int i = 0; i < all.length; i++) {
                        all[i] = (byte) ('0' + i % 10);
                    }
                    String range = req.headers().get(HttpHeaderNames.RANGE);
                    FullHttpResponse r;
                    if (range != null && range.startsWith("bytes=")) {
                        String[] se = range.substring(6).split("-");
                        int start = Integer.parseInt(se[0]);
                        int end = Integer.parseInt(se[1]);
                        r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.PARTIAL_CONTENT,
                                Unpooled.copiedBuffer(all, start, end - start + 1));
                        r.headers().set(HttpHeaderNames.CONTENT_RANGE, "bytes " + start + "-" + end + "/100");
                    } else {
                        r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(all));
                    }
                    r.headers().set(HttpHeaderNames.ACCEPT_RANGES, "bytes").setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
                    send(ctx, r, keepAlive);
                    return;
                }
                case "/gzip": {
                    // pre-compressed bytes: the gateway must pass them through untouched
                    byte[] gz = {0x1f, (byte) 0x8b, 8, 0, 0, 0, 0, 0, 0, 3, 1, 2, 3, 4, 5};
                    FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK, Unpooled.wrappedBuffer(gz));
                    r.headers().set(HttpHeaderNames.CONTENT_ENCODING, "gzip").setInt(HttpHeaderNames.CONTENT_LENGTH, gz.length);
                    send(ctx, r, keepAlive);
                    return;
                }
                case "/trailers": {
                    // echoes the request's trailers, and sends one of its own
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK);
                    HttpUtil.setTransferEncodingChunked(head, true);
                    head.headers().set(HttpHeaderNames.TRAILER, "x-origin-trailer");
                    ctx.write(head);
                    ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("request trailer: " + lastTrailer, StandardCharsets.UTF_8)));
                    DefaultLastHttpContent last = new DefaultLastHttpContent();
                    last.trailingHeaders().set("x-origin-trailer", "done");
                    ctx.writeAndFlush(last);
                    return;
                }
                case "/until-close": {
                    HttpResponse head = new DefaultHttpResponse(HttpVersion.HTTP_1_0, HttpResponseStatus.OK);
                    ctx.write(head);
                    ctx.write(new DefaultHttpContent(Unpooled.copiedBuffer("body ended by close", StandardCharsets.US_ASCII)));
                    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT).addListener(ChannelFutureListener.CLOSE);
                    return;
                }
                default:
                    send(ctx, text(HttpResponseStatus.OK, "<html><body>hello from origin</body></html>"), keepAlive);
            }
        }

        private long downloadLeft;
        private boolean downloadKeepAlive;

        private void streamDownload(ChannelHandlerContext ctx, long remaining, boolean keepAlive) {
            downloadLeft = remaining;
            downloadKeepAlive = keepAlive;
            continueDownload(ctx);
        }

        /** Writes while the peer keeps up; resumes on writability, like any well-behaved server. */
        private void continueDownload(ChannelHandlerContext ctx) {
            while (downloadLeft > 0 && ctx.channel().isWritable()) {
                int n = (int) Math.min(64 * 1024, downloadLeft);
                ByteBuf chunk = ctx.alloc().buffer(n);
                chunk.writerIndex(n);
                downloadLeft -= n;
                ctx.writeAndFlush(downloadLeft == 0 ? new DefaultLastHttpContent(chunk) : new DefaultHttpContent(chunk));
                if (downloadLeft == 0 && !downloadKeepAlive) {
                    ctx.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
                }
            }
        }

        @Override
        public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
            if (ctx.channel().isWritable() && downloadLeft > 0) {
                continueDownload(ctx);
            }
            super.channelWritabilityChanged(ctx);
        }

        private String param(QueryStringDecoder q, String name, String dflt) {
            return q.parameters().getOrDefault(name, java.util.List.of(dflt)).get(0);
        }

        private FullHttpResponse text(HttpResponseStatus status, String body) {
            FullHttpResponse r = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status,
                    Unpooled.copiedBuffer(body, StandardCharsets.UTF_8));
            HttpHeaders h = r.headers();
            h.set(HttpHeaderNames.CONTENT_TYPE, "text/plain; charset=utf-8");
            h.setInt(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
            h.set("X-Origin-Secret", "hop");
            h.set(HttpHeaderNames.CONNECTION, "X-Origin-Secret");
            return r;
        }

        private void send(ChannelHandlerContext ctx, FullHttpResponse r, boolean keepAlive) {
            if (!keepAlive) {
                r.headers().set(HttpHeaderNames.CONNECTION, "close");
                ctx.writeAndFlush(r).addListener(ChannelFutureListener.CLOSE);
            } else {
                ctx.writeAndFlush(r);
            }
        }

        private MessageDigest sha256() {
            try {
                return MessageDigest.getInstance("SHA-256");
            } catch (NoSuchAlgorithmException e) {
                throw new AssertionError(e);
            }
        }
    }
}

package io.rampart.server.admin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.rampart.config.HostPort;
import io.rampart.proxy.Gateway;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;

/**
 * The admin listener: {@code GET /metrics} (Prometheus text) and {@code GET /healthz}. Its own
 * single event loop, so a scrape never competes with client traffic for a proxy thread.
 */
public final class AdminServer implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;

    private AdminServer(Gateway gateway, HostPort address) throws IOException {
        try {
            channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            ch.pipeline().addLast(new ReadTimeoutHandler(30, TimeUnit.SECONDS));
                            ch.pipeline().addLast(new HttpServerCodec());
                            ch.pipeline().addLast(new HttpObjectAggregator(64 * 1024));
                            ch.pipeline().addLast(new Handler(gateway));
                        }
                    })
                    .bind(address.toSocketAddress()).syncUninterruptibly().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot listen on admin address " + address + ": " + e.getMessage(), e);
        }
    }

    public static AdminServer start(Gateway gateway, HostPort address) throws IOException {
        return new AdminServer(gateway, address);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
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

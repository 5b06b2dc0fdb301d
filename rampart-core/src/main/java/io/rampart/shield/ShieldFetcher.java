package io.rampart.shield;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.rampart.net.Transport;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Fetches one page from an origin on Rampart's own behalf — a background refresh for
 * {@code stale-while-revalidate}, or a snapshot — on a connection of its own that closes after
 * the answer. The whole response is aggregated, up to the object limit.
 */
public final class ShieldFetcher {
    private ShieldFetcher() {
    }

    /**
     * GETs {@code target} from {@code origin} with {@code Host: host}; {@code done} gets the
     * response (to release) or {@code null} on any failure, exactly once, on {@code loop}.
     */
    public static void fetch(EventLoop loop, InetSocketAddress origin, String host, String target, int maxBytes,
                             long timeoutMillis, Consumer<FullHttpResponse> done) {
        boolean[] called = {false};
        Consumer<FullHttpResponse> once = r -> {
            if (called[0]) {
                if (r != null) {
                    r.release();
                }
                return;
            }
            called[0] = true;
            done.accept(r);
        };
        new Bootstrap()
                .group(loop)
                .channel(Transport.CURRENT.socketChannel())
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(Integer.MAX_VALUE, timeoutMillis))
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel ch) {
                        ch.pipeline().addLast(new ReadTimeoutHandler(timeoutMillis, TimeUnit.MILLISECONDS));
                        ch.pipeline().addLast(new HttpClientCodec());
                        ch.pipeline().addLast(new HttpObjectAggregator(maxBytes));
                        ch.pipeline().addLast(new SimpleChannelInboundHandler<FullHttpResponse>() {
                            @Override
                            protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse res) {
                                once.accept(res.retain());
                                ctx.close();
                            }

                            @Override
                            public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
                                once.accept(null);
                                ctx.close();
                            }

                            @Override
                            public void channelInactive(ChannelHandlerContext ctx) {
                                once.accept(null);
                            }
                        });
                    }
                })
                .connect(origin)
                .addListener((ChannelFutureListener) f -> {
                    if (!f.isSuccess()) {
                        once.accept(null);
                        return;
                    }
                    FullHttpRequest req = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, target);
                    req.headers().set(HttpHeaderNames.HOST, host)
                            .set(HttpHeaderNames.USER_AGENT, "rampart-shield")
                            .set(HttpHeaderNames.ACCEPT, "*/*")
                            .set(HttpHeaderNames.VIA, "1.1 rampart")
                            .set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
                    f.channel().writeAndFlush(req);
                });
    }
}

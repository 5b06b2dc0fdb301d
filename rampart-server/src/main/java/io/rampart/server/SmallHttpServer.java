package io.rampart.server;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPromise;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.function.Supplier;

/**
 * A small aggregated-HTTP server on its own event loop, for Rampart's side listeners (admin, demo
 * origin) — never for client traffic, which goes through the streaming proxy pipeline.
 *
 * <p>It defends itself, since an admin port reachable by an attacker must not cost the gateway its
 * file descriptors or its event loop: at most {@code maxConnections} connections at once (more
 * are reset at accept), and a whole request must arrive within {@code requestMillis} of the
 * connection opening or of the previous response (a slowloris that trickles bytes is closed).
 */
public final class SmallHttpServer implements AutoCloseable {
    /** Connections a side listener holds at once. */
    public static final int MAX_CONNECTIONS = 256;
    /** How long a side listener waits for a whole request. */
    public static final long REQUEST_MILLIS = 10_000;

    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel channel;
    private final AtomicInteger open = new AtomicInteger();

    /** With the default limits ({@value #MAX_CONNECTIONS} connections, {@value #REQUEST_MILLIS} ms per request). */
    public SmallHttpServer(String what, InetSocketAddress address, int maxBody, Supplier<ChannelHandler> handler)
            throws IOException {
        this(what, address, maxBody, handler, MAX_CONNECTIONS, REQUEST_MILLIS);
    }

    /**
     * @param what     names the server in the error if the address cannot be bound
     * @param handler  a fresh handler per connection, receiving {@code FullHttpRequest}s
     */
    public SmallHttpServer(String what, InetSocketAddress address, int maxBody, Supplier<ChannelHandler> handler,
                           int maxConnections, long requestMillis) throws IOException {
        try {
            channel = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel ch) {
                            if (open.incrementAndGet() > maxConnections) {
                                open.decrementAndGet();
                                ch.config().setOption(ChannelOption.SO_LINGER, 0);
                                ch.close();
                                return;
                            }
                            ch.closeFuture().addListener(f -> open.decrementAndGet());
                            ch.pipeline().addLast(new ReadTimeoutHandler(30, TimeUnit.SECONDS));
                            ch.pipeline().addLast(new HttpServerCodec());
                            ch.pipeline().addLast(new HttpObjectAggregator(maxBody));
                            ch.pipeline().addLast(new RequestDeadline(requestMillis));
                            ch.pipeline().addLast(handler.get());
                            ch.pipeline().addLast(new QuietErrors(what));
                        }
                    })
                    .bind(address).syncUninterruptibly().channel();
        } catch (Exception e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw new IOException("cannot listen on " + what + " address " + address.getHostString() + ":"
                    + address.getPort() + ": " + e.getMessage(), e);
        }
    }

    /**
     * The end of every connection's pipeline: an idle connection timed out or a peer that went away
     * is closed without a word (they are normal); anything else is logged as one line, without a
     * stack trace, and the connection closed. Netty would otherwise log a stack trace for each.
     */
    private static final class QuietErrors extends io.netty.channel.ChannelInboundHandlerAdapter {
        private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(SmallHttpServer.class);
        private final String what;

        QuietErrors(String what) {
            this.what = what;
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            if (!(cause instanceof io.netty.handler.timeout.ReadTimeoutException || cause instanceof java.io.IOException)) {
                LOG.warn("{}: {} on a connection from {}; closed", what, cause.toString(), ctx.channel().remoteAddress());
            }
            ctx.close();
        }
    }

    /** Closes a connection that has not delivered a whole request in time (since it opened, or since the last response). */
    private static final class RequestDeadline extends ChannelDuplexHandler {
        private final long millis;
        private ScheduledFuture<?> timer;

        RequestDeadline(long millis) {
            this.millis = millis;
        }

        @Override
        public void handlerAdded(ChannelHandlerContext ctx) {
            arm(ctx);
        }

        private void arm(ChannelHandlerContext ctx) {
            cancel();
            timer = ctx.executor().schedule(() -> {
                ctx.channel().config().setOption(ChannelOption.SO_LINGER, 0);
                ctx.close();
            }, millis, TimeUnit.MILLISECONDS);
        }

        private void cancel() {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            cancel(); // a whole request: the handler answers it
            ctx.fireChannelRead(msg);
        }

        @Override
        public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
            ctx.write(msg, promise);
            if (msg instanceof LastHttpContent || msg instanceof FullHttpResponse) {
                arm(ctx); // the next request has as long
            }
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            cancel();
            super.channelInactive(ctx);
        }
    }

    /** Runs {@code task} on this server's event loop every {@code millis} until it closes. */
    public void every(long millis, Runnable task) {
        group.next().scheduleAtFixedRate(task, millis, millis, TimeUnit.MILLISECONDS);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) channel.localAddress();
    }

    @Override
    public void close() {
        channel.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }
}

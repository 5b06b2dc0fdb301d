package io.rampart.lab.origin;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.timeout.ReadTimeoutHandler;
import io.rampart.lab.LoopbackOnly;
import io.rampart.lab.RunClock;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The lab's test origin: a small web application with a known, limited capacity (see
 * {@link OriginCapacity}) on one event loop, counting what reaches it in {@link OriginStats}.
 */
public final class LabOrigin implements AutoCloseable {
    private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
    private final Channel server;
    private final OriginStats stats;
    private final ScheduledFuture<?> sampler;
    private int open;

    public LabOrigin(InetSocketAddress bind, OriginCapacity capacity, RunClock clock, int seconds) throws InterruptedException {
        LoopbackOnly.require(bind);
        this.stats = new OriginStats(seconds, capacity.overloadWait().toNanos());
        SiteContent content = new SiteContent();
        WorkerPool pool = new WorkerPool(group.next(), capacity, stats, clock);
        ChannelHandler slots = new ConnectionSlots(capacity.maxConnections());
        Channel ch;
        try {
            ch = new ServerBootstrap()
                    .group(group)
                    .channel(NioServerSocketChannel.class)
                    .option(ChannelOption.SO_BACKLOG, 1024)
                    .option(ChannelOption.SO_REUSEADDR, true)
                    .childHandler(new ChannelInitializer<SocketChannel>() {
                        @Override
                        protected void initChannel(SocketChannel c) {
                            c.pipeline().addLast(slots,
                                    new ReadTimeoutHandler(capacity.idleTimeout().toMillis(), TimeUnit.MILLISECONDS),
                                    new HttpServerCodec(),
                                    new HttpObjectAggregator(2 * 1024 * 1024),
                                    new OriginHandler(content, pool, capacity, stats, clock));
                        }
                    })
                    .bind(bind).sync().channel();
        } catch (RuntimeException | InterruptedException e) {
            group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            throw e;
        }
        this.server = ch;
        this.sampler = group.next().scheduleAtFixedRate(() -> {
            if (open >= capacity.maxConnections()) {
                stats.slotsFull(clock.second());
            }
        }, 100, 100, TimeUnit.MILLISECONDS);
    }

    public InetSocketAddress address() {
        return (InetSocketAddress) server.localAddress();
    }

    public OriginStats stats() {
        return stats;
    }

    @Override
    public void close() {
        sampler.cancel(false);
        server.close().awaitUninterruptibly();
        group.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly();
    }

    /** Caps open connections the way a thread-per-connection server does: at the cap it stops accepting. */
    @ChannelHandler.Sharable
    private final class ConnectionSlots extends ChannelInboundHandlerAdapter {
        private final int max;

        ConnectionSlots(int max) {
            this.max = max;
        }

        @Override
        public void channelActive(ChannelHandlerContext ctx) throws Exception {
            stats.connectedFrom(((java.net.InetSocketAddress) ctx.channel().remoteAddress()).getAddress());
            if (++open >= max) {
                ctx.channel().parent().config().setAutoRead(false);
            }
            super.channelActive(ctx);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) throws Exception {
            if (open-- >= max) {
                ctx.channel().parent().config().setAutoRead(true);
            }
            super.channelInactive(ctx);
        }
    }
}

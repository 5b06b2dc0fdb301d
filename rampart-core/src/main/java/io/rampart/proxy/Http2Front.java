package io.rampart.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultLastHttpContent;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http2.DefaultHttp2GoAwayFrame;
import io.netty.handler.codec.http2.DefaultHttp2ResetFrame;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2ConnectionAdapter;
import io.netty.handler.codec.http2.Http2Error;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2FrameStreamException;
import io.netty.handler.codec.http2.Http2GoAwayFrame;
import io.netty.handler.codec.http2.Http2HeadersFrame;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2PingFrame;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2SettingsFrame;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.codec.http2.HttpConversionUtil;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.util.ReferenceCountUtil;
import io.rampart.config.Http2Config;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.ConnectionPrints;
import java.util.Map;

/**
 * HTTP/2 on the front: one connection, many streams, each stream a child channel ({@link Http2Stream})
 * that carries one request through the same {@link RequestPath} as HTTP/1.1 (identify, record,
 * decide, admit, forward over HTTP/1.1 to the origin; same verdicts, limits, reference ids, access log).
 *
 * <p>Design note — the known HTTP/2 abuses and what stops each:
 * <ul>
 *   <li><b>Rapid reset</b> (CVE-2023-44487: HEADERS then RST_STREAM, in a loop): Netty's decoder
 *       counts RST_STREAM frames per window ({@code http2.maxResets} per {@code resetWindow}) and
 *       answers GOAWAY(ENHANCE_YOUR_CALM); streams are also capped per connection and per client.</li>
 *   <li><b>MadeYouReset</b> (2025: frames that make the <em>server</em> reset streams): the same
 *       budget applied to resets the server sends ({@code encoderEnforceMaxRstFramesPerWindow}).</li>
 *   <li><b>CONTINUATION flood</b> (2024): header blocks are bounded by {@code http.maxHeaderSize}
 *       (SETTINGS_MAX_HEADER_LIST_SIZE, enforced while decoding) and runs of small CONTINUATION
 *       frames are refused.</li>
 *   <li><b>SETTINGS/PING floods</b>: control frames whose acknowledgements queue up past 1,000 close
 *       the connection (the client is not reading).</li>
 *   <li><b>Empty DATA frames</b>: more than two in a row are a connection error.</li>
 *   <li><b>HPACK bomb</b>: the dynamic table is the default 4 KB and decoded header lists are
 *       bounded as above, so a tiny block cannot expand into megabytes.</li>
 *   <li><b>Too many streams</b>: SETTINGS_MAX_CONCURRENT_STREAMS {@code http2.maxConcurrentStreams},
 *       and {@code maxStreamsPerClient} across connections (extra streams get REFUSED_STREAM).</li>
 * </ul>
 * A connection closed for abuse empties its client's rate-limit bucket on every site and holds it
 * empty for {@code resetWindow}: the same client's requests, on any connection, get 429 meanwhile.
 */
final class Http2Front {
    /** At most this many flushes are merged before one goes out anyway. */
    static final int FLUSHES_MERGED = 64;
    private Http2Front() {
    }

    static void install(Channel ch, GatewayRuntime rt, ClientAddress client, boolean trusted, String scheme, ConnectionPrints prints) {
        Http2Config c = rt.config.http2();
        Http2Settings settings = Http2Settings.defaultSettings()
                .maxConcurrentStreams(c.maxConcurrentStreams())
                .maxHeaderListSize(rt.config.http().maxHeaderSize().bytes())
                .headerTableSize(4096)
                .initialWindowSize(1 << 16)
                .maxFrameSize(1 << 14);
        int windowSeconds = (int) Math.max(1, c.resetWindow().toSeconds());
        Http2FrameCodec codec = Http2FrameCodecBuilder.forServer()
                .initialSettings(settings)
                .validateHeaders(true)
                .validateRequiredPseudoHeaders(true)
                .decoderEnforceMaxRstFramesPerWindow(c.maxResets(), windowSeconds)
                .encoderEnforceMaxRstFramesPerWindow(c.maxResets(), windowSeconds)
                .decoderEnforceMaxConsecutiveEmptyDataFrames(2)
                .decoderEnforceMaxSmallContinuationFrames(16)
                .encoderEnforceMaxQueuedControlFrames(1000)
                .gracefulShutdownTimeoutMillis(rt.config.timeouts().shutdownGrace().toMillis())
                .build();
        Http2Prints h2prints = new Http2Prints(prints);
        AbuseWatch abuse = new AbuseWatch(rt, client, h2prints);
        codec.connection().addListener(new Http2ConnectionAdapter() {
            @Override
            public void onGoAwaySent(int lastStreamId, long errorCode, io.netty.buffer.ByteBuf debugData) {
                // ENHANCE_YOUR_CALM is the codec's answer to load (rapid reset, MadeYouReset, CONTINUATION
                // and empty-DATA floods, queued control frames); other errors are malformed input,
                // answered by closing the connection without counting the client as an attacker
                if (errorCode == Http2Error.ENHANCE_YOUR_CALM.code()) {
                    abuse.charge("enhance_your_calm");
                }
            }
        });
        ch.pipeline().addLast("h2-prints", h2prints);
        // responses of many streams arrive from as many origin connections in one pass of the event
        // loop: their flushes are merged into one write to the client
        ch.pipeline().addLast("h2-flush", new FlushConsolidationHandler(FLUSHES_MERGED, true));
        ch.pipeline().addLast("h2-state", new StreamStateGuard());
        ch.pipeline().addLast("h2", codec);
        ch.pipeline().addLast("h2-abuse", abuse);
        ch.pipeline().addLast("h2-streams", new Http2MultiplexHandler(new ChannelInitializer<Channel>() {
            @Override
            protected void initChannel(Channel stream) {
                if (!rt.streams.open(client, c.maxStreamsPerClient())) {
                    rt.metrics.http2Abuse("streams_per_client");
                    stream.close(); // RST_STREAM; the client has too many streams open across its connections
                    return;
                }
                ConnectionSlot slot = ch.attr(ConnectionGate.SLOT).get();
                if (slot != null) {
                    slot.enter(); // a connection with an open stream is doing something
                }
                stream.closeFuture().addListener(f -> {
                    rt.streams.closed(client);
                    if (slot != null) {
                        slot.leave(System.nanoTime());
                    }
                });
                ClientGuard guard = new ClientGuard(rt.config.timeouts());
                stream.pipeline().addLast("h2-fields", MalformedFields.INSTANCE);
                stream.pipeline().addLast("h2-http", new Http2StreamFrameToHttpObjectCodec(true));
                stream.pipeline().addLast("h2-tidy", ExtensionHeaders.INSTANCE);
                stream.pipeline().addLast("guard", guard);
                stream.pipeline().addLast("front", new Http2Stream(rt, guard, client, trusted, scheme, prints));
            }
        }));
    }

    /**
     * Resets a stream whose request is malformed (RFC 9113 §8.2.1: a field value containing CR, LF
     * or NUL; §8.3.1: a {@code :path} that is not origin form, such as {@code http://other/x}, which
     * would otherwise override {@code :authority}) with {@code PROTOCOL_ERROR}, and has the request
     * logged ({@link MalformedRequest}). Without it, the conversion to an HTTP/1.1 request failed on
     * such values and the stream was reset with {@code CANCEL}, unlogged.
     */
    @ChannelHandler.Sharable
    static final class MalformedFields extends ChannelInboundHandlerAdapter {
        static final MalformedFields INSTANCE = new MalformedFields();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame && malformed(((Http2HeadersFrame) msg).headers())) {
                Http2Headers h = ((Http2HeadersFrame) msg).headers();
                ctx.fireUserEventTriggered(new MalformedRequest(text(h.method()), text(h.path()), text(h.authority())));
                ReferenceCountUtil.release(msg);
                ctx.writeAndFlush(new DefaultHttp2ResetFrame(Http2Error.PROTOCOL_ERROR));
                return;
            }
            ctx.fireChannelRead(msg);
        }

        static boolean malformed(Http2Headers h) {
            CharSequence path = h.path();
            if (path != null && path.length() > 0 && path.charAt(0) != '/' && !"*".contentEquals(path)) {
                return true;
            }
            for (Map.Entry<CharSequence, CharSequence> e : h) {
                CharSequence v = e.getValue();
                for (int i = 0; i < v.length(); i++) {
                    char c = v.charAt(i);
                    if (c == '\r' || c == '\n' || c == 0) {
                        return true;
                    }
                }
            }
            return false;
        }

        private static String text(CharSequence s) {
            return s == null ? "-" : s.toString(); // control characters are escaped where it is written
        }
    }

    /**
     * Makes a stream's request look as HTTP/1.1's decoder delivers one: the {@code x-http2-*}
     * headers Netty's conversion adds are removed (the origin and the fingerprint never see them),
     * and a request that came whole (HEADERS with END_STREAM) is split into its head and an empty
     * last content, which is what the exchange state machine forwards.
     */
    @ChannelHandler.Sharable
    static final class ExtensionHeaders extends ChannelInboundHandlerAdapter {
        static final ExtensionHeaders INSTANCE = new ExtensionHeaders();

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof HttpRequest) {
                HttpRequest r = (HttpRequest) msg;
                for (HttpConversionUtil.ExtensionHeaderNames n : HttpConversionUtil.ExtensionHeaderNames.values()) {
                    r.headers().remove(n.text());
                }
                if (msg instanceof FullHttpRequest) {
                    FullHttpRequest full = (FullHttpRequest) msg;
                    ctx.fireChannelRead(new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers()));
                    ctx.fireChannelRead(new DefaultLastHttpContent(full.content(), full.trailingHeaders()));
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }
    }

    /**
     * Counts the client as an attacker when its connection is closed with an error GOAWAY
     * (rapid reset, MadeYouReset, CONTINUATION and empty-DATA floods, oversized headers). Also bounds SETTINGS and PING frames to {@code http2.maxResets} per
     * {@code resetWindow}: each costs the server an acknowledgement, and a client that sends them
     * without reading would otherwise keep an event loop busy until its socket buffer fills.
     */
    static final class AbuseWatch extends ChannelInboundHandlerAdapter {
        private final GatewayRuntime rt;
        private final ClientAddress client;
        private final Http2Prints prints;
        private final int maxControl;
        private final long windowNanos;
        private long windowStart;
        private int controlFrames;
        private boolean charged;

        AbuseWatch(GatewayRuntime rt, ClientAddress client, Http2Prints prints) {
            this.rt = rt;
            this.client = client;
            this.prints = prints;
            this.maxControl = rt.config.http2().maxResets();
            this.windowNanos = rt.config.http2().resetWindow().toNanos();
            this.windowStart = System.nanoTime();
        }

        @Override
        public void channelRead(ChannelHandlerContext ctx, Object msg) {
            if (msg instanceof Http2HeadersFrame && !prints.done()) {
                prints.firstHeaders(((Http2HeadersFrame) msg).headers());
            }
            if (msg instanceof Http2GoAwayFrame) {
                // the client is leaving: the streams it has open are finished, then the connection
                // closes (Netty's close is graceful: GOAWAY(NO_ERROR), then wait for open streams)
                ctx.fireChannelRead(msg);
                ctx.close();
                return;
            }
            if (msg instanceof Http2SettingsFrame || msg instanceof Http2PingFrame && !((Http2PingFrame) msg).ack()) {
                long now = System.nanoTime();
                if (now - windowStart > windowNanos) {
                    windowStart = now;
                    controlFrames = 0;
                }
                if (++controlFrames > maxControl) {
                    ReferenceCountUtil.release(msg);
                    if (!charged) {
                        charge("control_frame_flood");
                        ctx.writeAndFlush(new DefaultHttp2GoAwayFrame(Http2Error.ENHANCE_YOUR_CALM))
                                .addListener(ChannelFutureListener.CLOSE);
                    }
                    return;
                }
            }
            ctx.fireChannelRead(msg);
        }

        /** The connection is being closed for abuse (a GOAWAY with an error went out): count the client as an attacker, once. */
        void charge(String kind) {
            if (charged) {
                return;
            }
            charged = true;
            rt.metrics.http2Abuse(kind);
            long now = rt.ticker.getAsLong();
            long hold = rt.config.http2().resetWindow().toNanos();
            for (Site s : rt.sites) {
                rt.decider.penalize(client, s.limitsFor("/"), now, hold);
            }
        }

        @Override
        public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
            Http2Exception e = cause instanceof Http2Exception ? (Http2Exception) cause
                    : cause.getCause() instanceof Http2Exception ? (Http2Exception) cause.getCause() : null;
            if (cause instanceof Http2FrameStreamException) {
                // a stream error on a live stream: the multiplexer resets that stream with the error's
                // own code (PROTOCOL_ERROR, STREAM_CLOSED, FLOW_CONTROL_ERROR...) and closes its channel
                ctx.fireExceptionCaught(cause);
                return;
            }
            if (e != null) {
                return; // a connection error: the codec has sent GOAWAY with the error's code and closes
            }
            ctx.close();
        }
    }
}

package io.rampart.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.ByteToMessageDecoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.ConnectionPrints;
import java.util.List;
import java.util.function.Supplier;

/**
 * On an {@code h2c} listener: a connection that opens with the HTTP/2 preface
 * ({@code PRI * HTTP/2.0}, prior knowledge, as a TLS-terminating load balancer sends) gets the
 * HTTP/2 pipeline; anything else gets HTTP/1.1. Reads at most the 24 preface bytes, then removes
 * itself and hands them on. (HTTP/1.1 {@code Upgrade: h2c} is not offered: it is little used and
 * lets a request smuggle a protocol switch.)
 */
final class H2cPrefaceDetector extends ByteToMessageDecoder {
    private static final ByteBuf PREFACE = Http2CodecUtil.connectionPrefaceBuf();
    /** The gateway's runtime now: a reload while the client is silent must not leave it on the old one. */
    private final Supplier<GatewayRuntime> current;
    private final ClientAddress client;
    private final boolean trusted;

    H2cPrefaceDetector(Supplier<GatewayRuntime> current, ClientAddress client, boolean trusted) {
        this.current = current;
        this.client = client;
        this.trusted = trusted;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        // a connection that never says anything is closed like a slow request head
        long millis = current.get().config.timeouts().requestHead().toMillis();
        ctx.executor().schedule(() -> {
            if (ctx.pipeline().context(this) != null) {
                ctx.close();
            }
        }, millis, java.util.concurrent.TimeUnit.MILLISECONDS);
    }

    @Override
    protected void decode(ChannelHandlerContext ctx, ByteBuf in, List<Object> out) {
        int n = Math.min(in.readableBytes(), PREFACE.readableBytes());
        boolean matches = ByteBufUtil.equals(in, in.readerIndex(), PREFACE, 0, n);
        if (matches && n < PREFACE.readableBytes()) {
            return; // so far so good: wait for the rest of the preface
        }
        GatewayRuntime rt = current.get();
        if (matches) {
            Http2Front.install(ctx.channel(), rt, client, trusted, "http", new ConnectionPrints());
        } else {
            FrontInitializer.installHttp1(ctx.channel(), rt, client, trusted, "http", ConnectionPrints.PLAIN);
        }
        ctx.pipeline().remove(this);
    }
}

package io.rampart.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.ConnectionPrints;
import java.util.function.Supplier;

/**
 * After the TLS handshake, installs what ALPN chose: HTTP/2 or HTTP/1.1 (also for clients that
 * offer no ALPN). A handshake that fails (wrong protocol, no common cipher, not TLS at all, too
 * slow) closes the connection; nothing of HTTP was read.
 */
final class AlpnRouter extends ApplicationProtocolNegotiationHandler {
    /** The gateway's runtime now: a reload during the handshake must not leave the connection on the old one. */
    private final Supplier<GatewayRuntime> current;
    private final ClientAddress client;
    private final boolean trusted;
    private final ConnectionPrints prints;

    AlpnRouter(Supplier<GatewayRuntime> current, ClientAddress client, boolean trusted, ConnectionPrints prints) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.current = current;
        this.client = client;
        this.trusted = trusted;
        this.prints = prints;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        GatewayRuntime rt = current.get();
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            Http2Front.install(ctx.channel(), rt, client, trusted, "https", prints);
        } else {
            FrontInitializer.installHttp1(ctx.channel(), rt, client, trusted, "https", prints);
        }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        current.get().metrics.tlsHandshakeFailed();
        ctx.close();
    }
}

package io.rampart.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.ConnectionPrints;

/**
 * After the TLS handshake, installs what ALPN chose: HTTP/2 or HTTP/1.1 (also for clients that
 * offer no ALPN). A handshake that fails (wrong protocol, no common cipher, not TLS at all, too
 * slow) closes the connection; nothing of HTTP was read.
 */
final class AlpnRouter extends ApplicationProtocolNegotiationHandler {
    private final GatewayRuntime rt;
    private final ClientAddress client;
    private final boolean trusted;
    private final ConnectionPrints prints;

    AlpnRouter(GatewayRuntime rt, ClientAddress client, boolean trusted, ConnectionPrints prints) {
        super(ApplicationProtocolNames.HTTP_1_1);
        this.rt = rt;
        this.client = client;
        this.trusted = trusted;
        this.prints = prints;
    }

    @Override
    protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
        if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
            Http2Front.install(ctx.channel(), rt, client, trusted, "https", prints);
        } else {
            FrontInitializer.installHttp1(ctx.channel(), rt, client, trusted, "https", prints);
        }
    }

    @Override
    protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
        rt.metrics.tlsHandshakeFailed();
        ctx.close();
    }
}

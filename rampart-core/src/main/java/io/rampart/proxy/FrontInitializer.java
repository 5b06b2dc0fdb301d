package io.rampart.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpServerCodec;
import io.rampart.config.ListenerConfig;
import io.rampart.traffic.ClientAddress;

/**
 * Builds the pipeline of each accepted connection (see the package overview for its order).
 * The gate runs here, at accept, before any handler that parses HTTP exists.
 */
final class FrontInitializer extends ChannelInitializer<SocketChannel> {
    private final GatewayRuntime rt;
    private final ListenerConfig listener;
    private final ChannelGroup clients;
    private final HttpDecoderConfig decoderConfig;

    FrontInitializer(GatewayRuntime rt, ListenerConfig listener, ChannelGroup clients) {
        this.rt = rt;
        this.listener = listener;
        this.clients = clients;
        this.decoderConfig = new HttpDecoderConfig()
                .setMaxInitialLineLength((int) rt.config.http().maxRequestLine().bytes())
                .setMaxHeaderSize((int) rt.config.http().maxHeaderSize().bytes())
                .setMaxChunkSize(64 * 1024)
                .setValidateHeaders(true)
                .setAllowDuplicateContentLengths(false)
                .setStrictLineParsing(true);
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (listener.proxyProtocol()) {
            ch.pipeline().addLast("proxy-protocol", new HAProxyMessageDecoder());
            ch.pipeline().addLast("proxy-protocol-client", new ProxyProtocolHandler(this, rt.config.timeouts().requestHead().toNanos()));
            return;
        }
        ClientAddress client = ClientAddress.of(ch.remoteAddress());
        if (client != null) {
            admit(ch, client);
        } else {
            ch.close();
        }
    }

    /** Runs the gate for {@code client}; if admitted, installs the HTTP pipeline. */
    void admit(Channel ch, ClientAddress client) {
        if (!rt.gate.admit(ch, client)) {
            return;
        }
        clients.add(ch);
        ClientGuard guard = new ClientGuard(rt.config.timeouts());
        boolean trusted = !rt.trustedProxies.isEmpty() && rt.trustedProxies.contains(client);
        ch.pipeline().addLast("guard", guard);
        ch.pipeline().addLast("http", new HttpServerCodec(decoderConfig));
        ch.pipeline().addLast("front", new FrontendHandler(rt, guard, client, trusted, "http"));
    }
}

package io.rampart.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.netty.handler.codec.http.HttpServerCodec;
import io.rampart.config.ListenerConfig;
import io.rampart.traffic.ClientAddress;
import java.util.function.Supplier;

/**
 * Builds the pipeline of each accepted connection (see the package overview for its order).
 * The gate runs here, at accept, before any handler that parses HTTP exists.
 */
final class FrontInitializer extends ChannelInitializer<SocketChannel> {
    private final Supplier<GatewayRuntime> current;
    private final ListenerConfig listener;
    private final ChannelGroup clients;

    /** @param current the runtime new connections get (replaced on a reload; a connection keeps the one it started with) */
    FrontInitializer(Supplier<GatewayRuntime> current, ListenerConfig listener, ChannelGroup clients) {
        this.current = current;
        this.listener = listener;
        this.clients = clients;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        if (listener.proxyProtocol()) {
            ch.pipeline().addLast("proxy-protocol", new HAProxyMessageDecoder());
            ch.pipeline().addLast("proxy-protocol-client", new ProxyProtocolHandler(this, current.get().config.timeouts().requestHead().toNanos()));
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
        GatewayRuntime rt = current.get();
        if (!rt.gate.admit(ch, client)) {
            return;
        }
        clients.add(ch);
        ClientGuard guard = new ClientGuard(rt.config.timeouts());
        boolean trusted = !rt.trustedProxies.isEmpty() && rt.trustedProxies.contains(client);
        ch.pipeline().addLast("guard", guard);
        ch.pipeline().addLast("http", new HttpServerCodec(rt.decoderConfig));
        ch.pipeline().addLast("front", new FrontendHandler(rt, guard, client, trusted, "http"));
    }
}

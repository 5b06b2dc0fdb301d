package io.rampart.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.socket.SocketChannel;
import io.netty.handler.codec.haproxy.HAProxyMessageDecoder;
import io.rampart.config.ListenerConfig;
import io.rampart.tls.TlsTerminator;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.ConnectionPrints;
import java.util.function.Supplier;

/**
 * Builds the pipeline of each accepted connection (see the package overview for its order).
 * The gate runs here, at accept, before any handler that parses TLS or HTTP exists. Then, by
 * listener: TLS (SNI, then ALPN chooses HTTP/2 or HTTP/1.1), h2c with prior knowledge (the
 * connection preface chooses), or HTTP/1.1.
 */
final class FrontInitializer extends ChannelInitializer<SocketChannel> {
    private final Supplier<GatewayRuntime> current;
    private final ListenerConfig listener;
    private final ChannelGroup clients;
    private final TlsTerminator tls;
    private final AcceptThrottle throttle;

    /**
     * @param current the runtime new connections get (replaced on a reload; a connection's HTTP
     *                handlers take the one current when they are installed, after TLS and ALPN or
     *                the h2c preface, and are retired by the next reload)
     * @param tls     the listener's certificates, or null for plain text
     * @param throttle the listener's accept throttle, told when each connection reaches the gate
     */
    FrontInitializer(Supplier<GatewayRuntime> current, ListenerConfig listener, ChannelGroup clients, TlsTerminator tls,
                     AcceptThrottle throttle) {
        this.throttle = throttle;
        this.current = current;
        this.listener = listener;
        this.clients = clients;
        this.tls = tls;
    }

    @Override
    protected void initChannel(SocketChannel ch) {
        throttle.judged(ch); // on its own event loop now: the gate (or the PROXY header's deadline) takes it from here
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

    /** Runs the gate for {@code client}; if admitted, installs TLS or the HTTP pipeline. */
    void admit(Channel ch, ClientAddress client) {
        GatewayRuntime rt = current.get();
        if (!rt.gate.admit(ch, client)) {
            return;
        }
        clients.add(ch);
        boolean trusted = !rt.trustedProxies.isEmpty() && rt.trustedProxies.contains(client);
        if (tls != null) {
            ConnectionPrints prints = new ConnectionPrints();
            ch.pipeline().addLast("tls", tls.newSniHandler(rt.config.timeouts().requestHead().toMillis(), prints::ja4));
            ch.pipeline().addLast("alpn", new AlpnRouter(current, client, trusted, prints));
        } else if (listener.h2c()) {
            ch.pipeline().addLast("h2c-preface", new H2cPrefaceDetector(current, client, trusted));
        } else {
            installHttp1(ch, rt, client, trusted, "http", ConnectionPrints.PLAIN);
        }
    }

    /** HTTP/1.1: the slow-client guard, the codec, the exchange state machine. */
    static void installHttp1(Channel ch, GatewayRuntime rt, ClientAddress client, boolean trusted, String scheme,
                             ConnectionPrints prints) {
        ClientGuard guard = new ClientGuard(rt.config.timeouts());
        ch.pipeline().addLast("guard", guard);
        ch.pipeline().addLast("http", new FrontCodec(rt.decoderConfig));
        ch.pipeline().addLast("front", new Http1Connection(rt, guard, client, trusted, scheme, prints));
    }
}

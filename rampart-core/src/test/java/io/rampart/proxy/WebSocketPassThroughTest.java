package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpServerCodec;
import io.netty.handler.codec.http.websocketx.TextWebSocketFrame;
import io.netty.handler.codec.http.websocketx.WebSocketServerProtocolHandler;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.OriginExtension;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WebSocket through the gateway with a real client (java.net.http) and a real WebSocket origin (Netty). */
@ExtendWith(LeakWatcher.class)
class WebSocketPassThroughTest {
    @RegisterExtension
    static final OriginExtension HTTP_ORIGIN = new OriginExtension();

    static EventLoopGroup group;
    static Channel wsOrigin;

    @BeforeAll
    static void startWebSocketOrigin() {
        group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());
        wsOrigin = new ServerBootstrap().group(group).channel(NioServerSocketChannel.class)
                .childHandler(new ChannelInitializer<SocketChannel>() {
                    @Override
                    protected void initChannel(SocketChannel ch) {
                        ch.pipeline().addLast(new HttpServerCodec(), new HttpObjectAggregator(65536),
                                new WebSocketServerProtocolHandler("/ws"), new Echo());
                    }
                })
                .bind(new InetSocketAddress("127.0.0.1", 0)).syncUninterruptibly().channel();
    }

    @AfterAll
    static void stop() {
        wsOrigin.close().syncUninterruptibly();
        group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
    }

    /** Greets as soon as the handshake is done (bytes right behind the 101), then echoes. */
    static final class Echo extends SimpleChannelInboundHandler<TextWebSocketFrame> {
        @Override
        public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
            if (evt instanceof WebSocketServerProtocolHandler.HandshakeComplete) {
                ctx.writeAndFlush(new TextWebSocketFrame("hello"));
            }
            super.userEventTriggered(ctx, evt);
        }

        @Override
        protected void channelRead0(ChannelHandlerContext ctx, TextWebSocketFrame msg) {
            ctx.writeAndFlush(new TextWebSocketFrame("echo: " + msg.text()));
        }
    }

    static String wsOriginUrl() {
        return "http://127.0.0.1:" + ((InetSocketAddress) wsOrigin.localAddress()).getPort();
    }

    static final class Collector implements WebSocket.Listener {
        final List<String> messages = new CopyOnWriteArrayList<>();
        final CompletableFuture<Integer> closed = new CompletableFuture<>();

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            messages.add(data.toString());
            ws.request(1);
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket ws, int statusCode, String reason) {
            closed.complete(statusCode);
            return null;
        }

        @Override
        public void onError(WebSocket ws, Throwable error) {
            closed.complete(-1);
        }
    }

    @Test
    void webSocket_handshakeAndMessagesPassBothWays() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(wsOriginUrl(), "")) {
            Collector c = new Collector();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + gw.port() + "/ws"), c).get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 20; i++) {
                ws.sendText("m" + i, true).get(5, TimeUnit.SECONDS);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> c.messages.size() == 21);
            assertThat(c.messages.get(0)).isEqualTo("hello");
            assertThat(c.messages).contains("echo: m0", "echo: m19");
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bye").get(5, TimeUnit.SECONDS);
            assertThat(c.closed.get(5, TimeUnit.SECONDS)).isEqualTo(WebSocket.NORMAL_CLOSURE);
            await().atMost(Duration.ofSeconds(5)).until(() -> gw.gateway.openConnections() == 0);
            assertThat(gw.gateway.inFlight()).isZero();
        }
    }

    @Test
    void idleWebSocket_isClosedAfterTunnelIdle_butActiveOneIsNot() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(wsOriginUrl(), "timeouts:\n  tunnelIdle: 600ms\n")) {
            Collector active = new Collector();
            WebSocket ws = HttpClient.newHttpClient().newWebSocketBuilder()
                    .buildAsync(URI.create("ws://127.0.0.1:" + gw.port() + "/ws"), active).get(5, TimeUnit.SECONDS);
            for (int i = 0; i < 6; i++) {
                Thread.sleep(250);
                ws.sendText("keepalive" + i, true).get(5, TimeUnit.SECONDS);
            }
            assertThat(active.closed).isNotDone();
            assertThat(active.closed.get(5, TimeUnit.SECONDS)).isNotNull(); // then it idles out
        }
    }

    /**
     * Regression: a frame the origin sends right behind its 101 (often in the same TCP read) was
     * handed to the client pipeline while it still held the HTTP encoder, and was lost.
     */
    @Test
    void frameSentRightBehindThe101_alwaysReachesTheClient() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(wsOriginUrl(), "")) {
            for (int i = 0; i < 30; i++) {
                try (RawHttp c = new RawHttp(gw.port())) {
                    c.send("GET /ws HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                            + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
                    RawHttp.Response head = c.read(true);
                    assertThat(head.status()).isEqualTo(101);
                    assertThat(head.header("upgrade")).isEqualTo("websocket");
                    assertThat(head.header("sec-websocket-accept")).isEqualTo("s3pPLMBiTxaQ9kYGzzhZRbK+xOo=");
                    byte[] frame = c.socket().getInputStream().readNBytes(7);
                    assertThat(frame).as("greeting frame, attempt " + i)
                            .containsExactly(0x81, 5, 'h', 'e', 'l', 'l', 'o');
                }
            }
        }
    }

    @Test
    void otherUpgrades_areStripped_andPlainRequestsStillWork() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(HTTP_ORIGIN.url(), "");
             RawHttp c = new RawHttp(gw.port())) {
            c.send("GET /echo HTTP/1.1\r\nHost: a\r\nConnection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\nHTTP2-Settings: AAMAAABkAAQAAP__\r\n\r\n");
            String echo = c.read().text();
            assertThat(echo).doesNotContainIgnoringCase("upgrade").doesNotContainIgnoringCase("http2-settings");
            assertThat(c.get("a", "/").status()).isEqualTo(200);
        }
    }

    @Test
    void webSocketToAnOriginThatRefusesTheUpgrade_getsItsPlainAnswer() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(HTTP_ORIGIN.url(), "");
             RawHttp c = new RawHttp(gw.port())) {
            c.send("GET /echo HTTP/1.1\r\nHost: a\r\nConnection: Upgrade\r\nUpgrade: websocket\r\n"
                    + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).containsIgnoringCase("upgrade: websocket");
            assertThat(c.get("a", "/").status()).isEqualTo(200);
        }
    }
}

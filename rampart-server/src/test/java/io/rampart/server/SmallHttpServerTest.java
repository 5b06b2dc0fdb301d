package io.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.rampart.testing.RawHttp;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * A side listener (the admin port) defends itself: a cap on connections held at once, and a
 * deadline for a whole request, so idle or trickling connections cannot take its file descriptors
 * (20,000 idle connections to the admin port once made the front answer "Too many open files").
 */
class SmallHttpServerTest {
    private static SmallHttpServer server(int max, long requestMillis) throws IOException {
        return new SmallHttpServer("test", new InetSocketAddress("127.0.0.1", 0), 1024, () -> new SimpleChannelInboundHandler<FullHttpRequest>() {
            @Override
            protected void channelRead0(ChannelHandlerContext ctx, FullHttpRequest req) {
                DefaultFullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.OK,
                        Unpooled.copiedBuffer("ok", StandardCharsets.US_ASCII));
                res.headers().set("content-length", 2).set("connection", "close");
                ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
            }
        }, max, requestMillis);
    }

    private static boolean closedByServer(Socket s) {
        return RawHttp.closedByPeer(s);
    }

    private static String get(InetSocketAddress a) throws IOException {
        try (Socket s = new Socket(a.getAddress(), a.getPort())) {
            s.getOutputStream().write("GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            InputStream in = s.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
        }
    }

    @Test
    void connectionsOverTheCapAreReset_andIdleOrTricklingOnesAreClosedAtTheRequestDeadline() throws Exception {
        try (SmallHttpServer server = server(5, 400)) {
            InetSocketAddress a = server.address();
            List<Socket> idle = new ArrayList<>();
            try {
                for (int i = 0; i < 5; i++) {
                    idle.add(new Socket(a.getAddress(), a.getPort()));
                }
                Socket trickle = idle.get(4);
                trickle.getOutputStream().write("GET / HT".getBytes(StandardCharsets.US_ASCII));
                try (Socket over = new Socket(a.getAddress(), a.getPort())) {
                    Awaitility.await().atMost(Duration.ofSeconds(2)).until(() -> closedByServer(over));
                }
                Awaitility.await().atMost(Duration.ofSeconds(3)).until(() -> idle.stream().allMatch(SmallHttpServerTest::closedByServer));
                assertThat(get(a)).as("room again once the hoarders are gone").startsWith("HTTP/1.1 200").endsWith("ok");
            } finally {
                for (Socket s : idle) {
                    s.close();
                }
            }
        }
    }
}

package io.rampart.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import org.junit.jupiter.api.Test;

class TransportTest {
    @Test
    void epollWhenItsLibraryLoads_nioWhenAskedOrWhenItDoesNot() {
        Transport epoll = Transport.choose(null, () -> true);
        assertThat(epoll.name()).isEqualTo("epoll");
        assertThat(epoll.serverChannel()).isEqualTo(EpollServerSocketChannel.class);
        assertThat(epoll.socketChannel()).isEqualTo(EpollSocketChannel.class);
        Transport asked = Transport.choose(" NIO ", () -> true);
        assertThat(asked.name()).isEqualTo("nio");
        assertThat(asked.why()).contains("RAMPART_TRANSPORT=nio");
        Transport missing = Transport.choose(null, () -> false);
        assertThat(missing.serverChannel()).isEqualTo(NioServerSocketChannel.class);
        assertThat(missing.socketChannel()).isEqualTo(NioSocketChannel.class);
        assertThat(missing.why()).contains("not available");
    }

    @Test
    void thisMachineRunsTheNativeTransport() {
        // the packaged jar carries the x86_64 library; on this Linux it must load, or the gateway silently runs slower
        assertThat(System.getProperty("os.name")).isEqualTo("Linux");
        String expected = "nio".equalsIgnoreCase(String.valueOf(System.getenv("RAMPART_TRANSPORT")).trim()) ? "nio" : "epoll";
        assertThat(Transport.CURRENT.name()).as(Transport.CURRENT.why()).isEqualTo(expected);
    }
}

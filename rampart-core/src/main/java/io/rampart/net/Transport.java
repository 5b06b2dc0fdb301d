package io.rampart.net;

import io.netty.channel.Channel;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import java.util.Locale;
import java.util.function.Supplier;

/**
 * The Netty transport every gateway socket uses: {@code epoll} (Linux's native transport: fewer
 * system calls, edge-triggered, no selector garbage) when its native library loads, {@code nio}
 * otherwise, or when {@code RAMPART_TRANSPORT=nio} asks for it. Chosen once per process; an event
 * loop of one transport cannot host a channel of the other, so listeners, client connections, origin
 * connections and the shield's fetches all take their classes from {@link #CURRENT}.
 */
public final class Transport {
    /** The transport of this process. */
    public static final Transport CURRENT = choose(System.getenv("RAMPART_TRANSPORT"), Epoll::isAvailable);

    private final String name;
    private final String why;
    private final Supplier<IoHandlerFactory> handlers;
    private final Class<? extends ServerChannel> serverChannel;
    private final Class<? extends Channel> socketChannel;

    private Transport(String name, String why, Supplier<IoHandlerFactory> handlers, Class<? extends ServerChannel> serverChannel,
                      Class<? extends Channel> socketChannel) {
        this.name = name;
        this.why = why;
        this.handlers = handlers;
        this.serverChannel = serverChannel;
        this.socketChannel = socketChannel;
    }

    static Transport choose(String asked, Supplier<Boolean> epollAvailable) {
        String a = asked == null ? "" : asked.trim().toLowerCase(Locale.ROOT);
        if ("nio".equals(a)) {
            return nio("RAMPART_TRANSPORT=nio");
        }
        if (!epollAvailable.get()) {
            Throwable cause = Epoll.unavailabilityCause();
            return nio("the native epoll transport is not available here" + (cause == null ? "" : " (" + cause.getMessage() + ")"));
        }
        return new Transport("epoll", "Linux's native transport", EpollIoHandler::newFactory, EpollServerSocketChannel.class,
                EpollSocketChannel.class);
    }

    private static Transport nio(String why) {
        return new Transport("nio", why, NioIoHandler::newFactory, NioServerSocketChannel.class, NioSocketChannel.class);
    }

    /** {@code epoll} or {@code nio}. */
    public String name() {
        return name;
    }

    /** Why this one, for the start-up log. */
    public String why() {
        return why;
    }

    /** A factory of I/O handlers for an event loop group. */
    public IoHandlerFactory handlers() {
        return handlers.get();
    }

    public Class<? extends ServerChannel> serverChannel() {
        return serverChannel;
    }

    public Class<? extends Channel> socketChannel() {
        return socketChannel;
    }

    @Override
    public String toString() {
        return name + " (" + why + ")";
    }
}

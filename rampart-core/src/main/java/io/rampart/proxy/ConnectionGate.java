package io.rampart.proxy;

import io.netty.channel.Channel;
import io.rampart.metrics.GatewayMetrics;
import io.rampart.metrics.GatewayMetrics.ConnectionRejection;
import io.rampart.mitigate.IpSet;
import io.rampart.traffic.ClientAddress;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The first check on every connection, before a byte of HTTP is parsed: the deny list and the
 * connection caps (per client address and in total). A refused connection is closed at once,
 * so clients already being served keep their connections and their share of the node.
 *
 * <p>Allow-listed clients pass the caps (allow wins). An address the control plane found shared by
 * several known users (an office NAT) may hold that many times the per-client cap. The per-client
 * count map only holds
 * addresses with open connections, so its size is bounded by {@code total}.
 */
final class ConnectionGate {
    private final io.rampart.mitigate.AccessLists lists;
    private final int perClient;
    private final int total;
    private final GatewayMetrics metrics;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<Long, AtomicInteger> perClientOpen = new ConcurrentHashMap<>();
    private final java.util.function.LongToIntFunction sharedUsers;

    ConnectionGate(IpSet allow, IpSet deny, int perClient, int total, GatewayMetrics metrics) {
        this(io.rampart.mitigate.AccessLists.of(allow, deny), perClient, total, metrics, key -> 1);
    }

    /**
     * @param sharedUsers how many known users the control plane has seen share an address (by its
     *                    limiter key): such an address (an office NAT) may hold that many times
     *                    {@code perClient} connections
     */
    ConnectionGate(io.rampart.mitigate.AccessLists lists, int perClient, int total, GatewayMetrics metrics,
                   java.util.function.LongToIntFunction sharedUsers) {
        this.lists = lists;
        this.perClient = perClient;
        this.total = total;
        this.metrics = metrics;
        this.sharedUsers = sharedUsers;
    }

    /**
     * Admits {@code channel} from {@code client} or closes it. Admitted channels are counted
     * until they close.
     *
     * @return whether the connection was admitted
     */
    boolean admit(Channel channel, ClientAddress client) {
        boolean allowed = lists.allowed(client);
        if (!allowed && lists.denied(client)) {
            return refuse(channel, ConnectionRejection.DENY_LIST);
        }
        if (open.incrementAndGet() > total && !allowed) {
            open.decrementAndGet();
            return refuse(channel, ConnectionRejection.TOTAL_CAP);
        }
        Long key = client.key();
        AtomicInteger mine = perClientOpen.compute(key, (k, v) -> {
            AtomicInteger c = v == null ? new AtomicInteger() : v;
            c.incrementAndGet();
            return c;
        });
        if (mine.get() > perClient && !allowed && mine.get() > (long) perClient * sharedUsers.applyAsInt(key)) {
            release(key);
            open.decrementAndGet();
            return refuse(channel, ConnectionRejection.PER_CLIENT_CAP);
        }
        metrics.activeConnections().incrementAndGet();
        channel.closeFuture().addListener(f -> {
            release(key);
            open.decrementAndGet();
            metrics.activeConnections().decrementAndGet();
        });
        return true;
    }

    private void release(Long key) {
        perClientOpen.computeIfPresent(key, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
    }

    private boolean refuse(Channel channel, ConnectionRejection reason) {
        metrics.connectionRejected(reason);
        // RST rather than FIN: the refused client learns at once and no TIME_WAIT is left here
        channel.config().setOption(io.netty.channel.ChannelOption.SO_LINGER, 0);
        channel.close();
        return false;
    }

    /** Open connections (for metrics and graceful stop). */
    int open() {
        return open.get();
    }

    /** Distinct client addresses with open connections. */
    int distinctClients() {
        return perClientOpen.size();
    }
}

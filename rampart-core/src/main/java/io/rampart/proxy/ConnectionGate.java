package io.rampart.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelOption;
import io.netty.util.AttributeKey;
import io.rampart.metrics.GatewayMetrics;
import io.rampart.metrics.GatewayMetrics.ConnectionRejection;
import io.rampart.mitigate.AccessLists;
import io.rampart.mitigate.IpSet;
import io.rampart.traffic.ClientAddress;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.ToIntFunction;

/**
 * The first check on every connection, before a byte of HTTP is parsed: the deny list and the
 * connection caps, per client address, per network (IPv4 /24, IPv6 /48) and in total.
 *
 * <p>Design note — who goes when a cap is full. Refusing the newcomer lets whoever came first hold
 * the slots for ever: about 160 addresses of one /24 holding 64 idle connections each filled the
 * default total of 10,000 and every newcomer was reset. So each admitted connection has a
 * {@link ConnectionSlot} that its handlers mark busy while a request is in progress and idle
 * otherwise; when a cap is full, the slot idle longest is closed to make room — the same address's
 * for the per-address cap (the browsers of an office behind one NAT address take turns instead of
 * being refused), the same network's for the per-network cap, the most crowded network's for the
 * total — and the newcomer is admitted. Only when nothing under the cap has been idle for at least
 * {@link #MIN_IDLE_NANOS} is the newcomer refused. A connection in the middle of a request is never
 * evicted.
 *
 * <p>Allow-listed clients pass the caps (allow wins). An address the control plane found shared by
 * several known users (an office NAT) may hold that many times the per-client cap. The maps only
 * hold addresses and networks with open connections, so their sizes are bounded by {@code total}.
 * Eviction scans one network's slots (at most {@code perPrefix}); the most crowded network is
 * looked up at most every 100 ms. Admission holds the gate's monitor (checking the caps and taking
 * a place is one step, so two event loops cannot both take the last place); closing does not.
 */
final class ConnectionGate {
    /** The slot of an admitted connection, on its channel. */
    static final AttributeKey<ConnectionSlot> SLOT = AttributeKey.valueOf("rampart.slot");
    private static final long CROWDED_REFRESH_NANOS = 100_000_000L;
    /**
     * A connection must have been idle this long to be evicted: a busy client's connections are idle
     * only for a moment between requests, and closing them would make it reconnect at once (measured
     * in the lab: a single-source flood's own connections churned, costing more than refusing).
     */
    static final long MIN_IDLE_NANOS = 250_000_000L;

    private final AccessLists lists;
    private final int perClient;
    private final int perPrefix;
    private final int total;

    /** The most client connections this gate holds. */
    int total() {
        return total;
    }
    private final GatewayMetrics metrics;
    private final ToIntFunction<ClientAddress> sharedUsers;
    private final LongSupplier ticker;
    private final AtomicInteger open = new AtomicInteger();
    private final ConcurrentHashMap<Long, AtomicInteger> perClientOpen = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<Long, Network> networks = new ConcurrentHashMap<>();
    private volatile Network crowded;
    private volatile long crowdedAt;

    /** The open connections of one network. */
    private static final class Network {
        final AtomicInteger count = new AtomicInteger();
        final Set<ConnectionSlot> slots = ConcurrentHashMap.newKeySet();
    }

    ConnectionGate(IpSet allow, IpSet deny, int perClient, int total, GatewayMetrics metrics) {
        this(AccessLists.of(allow, deny), perClient, Math.max(perClient, total / 5), total, metrics, key -> 1, System::nanoTime);
    }

    /**
     * @param sharedUsers how many people share an address ({@link io.rampart.mitigate.AddressCrowds}):
     *                    such an address (an office NAT) may hold that many times {@code perClient}
     *                    connections
     * @param ticker      nanoseconds, for how long a connection has been idle
     */
    ConnectionGate(AccessLists lists, int perClient, int perPrefix, int total, GatewayMetrics metrics,
                   ToIntFunction<ClientAddress> sharedUsers, LongSupplier ticker) {
        this.lists = lists;
        this.perClient = perClient;
        this.perPrefix = perPrefix;
        this.total = total;
        this.metrics = metrics;
        this.sharedUsers = sharedUsers;
        this.ticker = ticker;
    }

    /**
     * Admits {@code channel} from {@code client} (closing an idle connection to make room when a
     * cap is full) or closes it. Admitted channels are counted until they close.
     *
     * @return whether the connection was admitted
     */
    synchronized boolean admit(Channel channel, ClientAddress client) {
        boolean allowed = lists.allowed(client);
        if (!allowed && lists.denied(client)) {
            return refuse(channel, ConnectionRejection.DENY_LIST);
        }
        long key = client.key();
        long netKey = networkKey(client);
        if (!allowed) {
            int mine = count(perClientOpen.get(key));
            if (mine >= perClient && mine >= (long) perClient * sharedUsers.applyAsInt(client)
                    && !evict(networks.get(netKey), key, ConnectionRejection.PER_CLIENT_CAP)) {
                return refuse(channel, ConnectionRejection.PER_CLIENT_CAP);
            }
            Network net = networks.get(netKey);
            if (count(net == null ? null : net.count) >= perPrefix && !evict(net, 0, ConnectionRejection.PER_PREFIX_CAP)) {
                return refuse(channel, ConnectionRejection.PER_PREFIX_CAP);
            }
            if (open.get() >= total && !evict(mostCrowded(), 0, ConnectionRejection.TOTAL_CAP)) {
                return refuse(channel, ConnectionRejection.TOTAL_CAP);
            }
        }
        open.incrementAndGet();
        perClientOpen.computeIfAbsent(key, k -> new AtomicInteger()).incrementAndGet();
        Network net = networks.compute(netKey, (k, v) -> {
            Network n = v == null ? new Network() : v;
            n.count.incrementAndGet();
            return n;
        });
        ConnectionSlot slot = new ConnectionSlot(channel, key, netKey, ticker.getAsLong());
        net.slots.add(slot);
        channel.attr(SLOT).set(slot);
        metrics.activeConnections().incrementAndGet();
        channel.closeFuture().addListener(f -> {
            release(slot);
            metrics.activeConnections().decrementAndGet();
        });
        return true;
    }

    /** Closes the slot of {@code net} idle longest (of address {@code client}, when not 0); false when none is idle. */
    private boolean evict(Network net, long client, ConnectionRejection cap) {
        if (net == null) {
            return false;
        }
        long idleBefore = ticker.getAsLong() - MIN_IDLE_NANOS;
        while (true) {
            ConnectionSlot oldest = null;
            long oldestSince = Long.MAX_VALUE;
            for (ConnectionSlot s : net.slots) {
                long since = s.idleSince();
                if (since != 0 && since < oldestSince && since <= idleBefore && (client == 0 || s.client == client)) {
                    oldest = s;
                    oldestSince = since;
                }
            }
            if (oldest == null) {
                return false;
            }
            if (oldest.evict()) {
                release(oldest); // counted out now, so the newcomer fits before the close completes
                metrics.connectionEvicted(cap);
                oldest.channel.config().setOption(ChannelOption.SO_LINGER, 0);
                oldest.channel.close();
                return true;
            }
            // it turned busy or was evicted by another newcomer meanwhile: look again
        }
    }

    /** The network with the most open connections (looked up again at most every 100 ms). */
    private Network mostCrowded() {
        long now = ticker.getAsLong();
        Network c = crowded;
        if (c != null && now - crowdedAt < CROWDED_REFRESH_NANOS && c.count.get() > 0) {
            return c;
        }
        Network best = null;
        int most = 0;
        for (Map.Entry<Long, Network> e : networks.entrySet()) {
            int n = e.getValue().count.get();
            if (n > most) {
                most = n;
                best = e.getValue();
            }
        }
        crowded = best;
        crowdedAt = now;
        return best;
    }

    /** Counts a connection out, once (at eviction or at close, whichever comes first). */
    private void release(ConnectionSlot slot) {
        if (!slot.release()) {
            return;
        }
        open.decrementAndGet();
        perClientOpen.computeIfPresent(slot.client, (k, v) -> v.decrementAndGet() <= 0 ? null : v);
        networks.computeIfPresent(slot.network, (k, v) -> {
            v.slots.remove(slot);
            return v.count.decrementAndGet() <= 0 ? null : v;
        });
    }

    private static int count(AtomicInteger c) {
        return c == null ? 0 : c.get();
    }

    /** IPv4 /24 or IPv6 /48, as a map key (IPv4 even, IPv6 odd, so they never collide). */
    static long networkKey(ClientAddress client) {
        return client.isIpv6() ? (client.hi() & 0xFFFFFFFFFFFF0000L) | 1 : (client.lo() & 0xFFFFFF00L) << 1;
    }

    private boolean refuse(Channel channel, ConnectionRejection reason) {
        metrics.connectionRejected(reason);
        // RST rather than FIN: the refused client learns at once and no TIME_WAIT is left here
        channel.config().setOption(ChannelOption.SO_LINGER, 0);
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

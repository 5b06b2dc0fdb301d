package io.rampart.proxy;

import io.netty.channel.Channel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One admitted connection as the {@link ConnectionGate} sees it: whether it is doing something (a
 * request in progress; on HTTP/2, any open stream) or idle, and since when. Its handlers mark it
 * ({@link #enter}/{@link #leave}, on the connection's event loop); the gate reads it from any
 * thread when a cap is full and closes the slot idle longest.
 */
final class ConnectionSlot {
    final Channel channel;
    final long client;
    final long network;
    /** Since when it has been idle (ticker nanos); 0 while busy or once evicted. */
    private final AtomicLong idleSince;
    private final AtomicBoolean released = new AtomicBoolean();
    private int active;
    private volatile boolean evicted;

    ConnectionSlot(Channel channel, long client, long network, long now) {
        this.channel = channel;
        this.client = client;
        this.network = network;
        this.idleSince = new AtomicLong(Math.max(1, now));
    }

    /** A request (or stream) began: not idle. */
    void enter() {
        active++;
        idleSince.set(0);
    }

    /** A request (or stream) ended: idle from {@code now} when it was the last. */
    void leave(long now) {
        if (active > 0 && --active == 0 && !evicted) {
            idleSince.set(Math.max(1, now));
        }
    }

    /** Since when it has been idle, or 0 while busy. */
    long idleSince() {
        return idleSince.get();
    }

    /** Claims this idle slot for eviction; false if it turned busy or another newcomer took it first. */
    boolean evict() {
        long since = idleSince.get();
        if (since != 0 && idleSince.compareAndSet(since, 0)) {
            evicted = true;
            return true;
        }
        return false;
    }

    /** Whether this call is the one that counts the connection out (eviction or close, once). */
    boolean release() {
        return released.compareAndSet(false, true);
    }
}

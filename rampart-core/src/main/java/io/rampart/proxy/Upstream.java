package io.rampart.proxy;

import io.rampart.config.UpstreamUrl;
import java.net.InetSocketAddress;

/**
 * One origin server, with passive health: an origin that refuses or times out connections is
 * skipped for a while, then tried again.
 */
final class Upstream {
    private final UpstreamUrl url;
    private final InetSocketAddress address;
    private volatile boolean down;
    private volatile long downUntilNanos;

    Upstream(UpstreamUrl url) {
        this.url = url;
        this.address = InetSocketAddress.createUnresolved(url.host(), url.port());
    }

    UpstreamUrl url() {
        return url;
    }

    /** Unresolved: resolved by Netty's resolver on each new connection, so DNS changes are followed. */
    InetSocketAddress address() {
        return address;
    }

    boolean available(long now) {
        return !down || now - downUntilNanos >= 0;
    }

    void markDown(long now, long forNanos) {
        downUntilNanos = now + forNanos;
        down = true;
    }

    void markUp() {
        if (down) {
            down = false;
        }
    }

    @Override
    public String toString() {
        return url.toString();
    }
}

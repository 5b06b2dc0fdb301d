package io.rampart.proxy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/** A site's origins, picked round-robin among those not marked down. */
final class UpstreamGroup {
    private final Upstream[] upstreams;
    private final AtomicInteger next = new AtomicInteger();

    UpstreamGroup(List<Upstream> upstreams) {
        this.upstreams = upstreams.toArray(new Upstream[0]);
    }

    int size() {
        return upstreams.length;
    }

    /** Each origin's address and whether it is in service now (not marked down after a failure). */
    List<Gateway.OriginStatus> status(long now) {
        List<Gateway.OriginStatus> out = new java.util.ArrayList<>();
        for (Upstream u : upstreams) {
            out.add(new Gateway.OriginStatus(u.toString(), u.available(now)));
        }
        return out;
    }

    /**
     * The next available origin, skipping {@code exclude} (one that just failed for this request).
     * When every origin is marked down, the next one is returned anyway: trying is how recovery is seen.
     */
    Upstream pick(long now, Upstream exclude) {
        int n = upstreams.length;
        int start = Math.floorMod(next.getAndIncrement(), n);
        Upstream fallback = null;
        for (int i = 0; i < n; i++) {
            Upstream u = upstreams[(start + i) % n];
            if (u == exclude && n > 1) {
                continue;
            }
            if (u.available(now)) {
                return u;
            }
            if (fallback == null) {
                fallback = u;
            }
        }
        return fallback != null ? fallback : upstreams[start];
    }
}

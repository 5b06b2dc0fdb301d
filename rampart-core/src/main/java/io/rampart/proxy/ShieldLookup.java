package io.rampart.proxy;

import io.netty.handler.codec.http.HttpRequest;
import io.rampart.admission.AdmissionGate;
import io.rampart.shield.CachedResponse;
import io.rampart.shield.Capture;
import io.rampart.shield.Shield;
import io.rampart.shield.ShieldFetcher;

/**
 * The origin shield ({@link Shield}): a fresh stored copy is served at once; a stale one is
 * served while one background fetch refreshes it; a request for a page another request is
 * already fetching waits for that fetch (request coalescing) and is served what it stored.
 * Otherwise the request goes on to the origin, perhaps leading the fetch for its key, with a
 * stale copy or a snapshot kept as the answer should the origin fail.
 */
final class ShieldLookup implements Step {
    @Override
    public Outcome apply(Exchange x) {
        Shield sh = x.rt.shield;
        if (sh == null || !Shield.eligible(x.request)) {
            return Outcome.CONTINUE;
        }
        AdmissionGate g = x.site.admission();
        boolean pressured = g != null && g.pressured();
        String key = sh.key(x.authority, x.target, pressured);
        x.shieldKey = key;
        long now = x.rt.ticker.getAsLong();
        CachedResponse stored = sh.find(key, x.request.headers());
        if (stored != null) {
            switch (sh.use(stored, now, pressured)) {
                case FRESH:
                    Responder.serveStored(x, stored, "hit");
                    return Outcome.ANSWERED;
                case STALE_REVALIDATE:
                    Responder.serveStored(x, stored, "stale");
                    revalidate(x, key, x.request);
                    return Outcome.ANSWERED;
                default:
                    if (sh.usableOnError(stored, now)) {
                        x.fallback = stored;
                    }
            }
        }
        if (x.fallback == null && !x.rt.snapshots.isEmpty()) {
            x.fallback = x.rt.snapshots.get(x.siteIndex, pathOf(x.target));
        }
        if (sh.passes(key)) {
            x.shieldPassing = true;
            x.rt.metrics.shield("pass");
            return Outcome.CONTINUE;
        }
        if (sh.lead(key)) {
            x.leader = true;
            x.rt.metrics.shield("miss");
            return Outcome.CONTINUE;
        }
        int id = x.id;
        if (sh.follow(key, () -> x.ctx.executor().execute(() -> landed(x, id)))) {
            x.waitingForFlight = true;
            x.phase = Exchange.Phase.FORWARDING;
            x.waitAtMost(x.rt.upstreamResponseNanos, Exchange.Phase.FORWARDING, () -> landed(x, id));
            return Outcome.WAIT;
        }
        x.rt.metrics.shield("miss");
        return Outcome.CONTINUE;
    }

    /** The fetch this request waited on is over (or its wait ran out): serve what it stored, or go to the origin after all. */
    private static void landed(Exchange x, int id) {
        if (!x.is(id, Exchange.Phase.FORWARDING) || !x.waitingForFlight || !x.ctx.channel().isActive()) {
            return;
        }
        x.waitingForFlight = false;
        x.cancelWait();
        CachedResponse stored = x.rt.shield.find(x.shieldKey, x.request.headers());
        if (stored != null && x.rt.shield.use(stored, x.rt.ticker.getAsLong(), false) != Shield.Use.STALE) {
            Responder.serveStored(x, stored, "coalesced");
            return;
        }
        x.rt.metrics.shield("miss");
        RequestPath.run(x, RequestPath.AFTER_SHIELD);
    }

    /** One background fetch refreshes a stale page, unless one is already under way. */
    private static void revalidate(Exchange x, String key, HttpRequest req) {
        Shield sh = x.rt.shield;
        if (!sh.lead(key)) {
            return;
        }
        GatewayRuntime rt = x.rt;
        Upstream u = x.site.upstreams().pick(rt.ticker.getAsLong(), null);
        String host = x.authority == null ? u.url().host() : x.authority;
        ShieldFetcher.fetch(x.ctx.channel().eventLoop(), u.address(), host, req.uri(), rt.shieldMaxObject,
                rt.upstreamConnectMillis + rt.upstreamResponseNanos / 1_000_000, res -> {
                    try {
                        if (res != null) {
                            Capture c = sh.capture(key, req, res);
                            if (c != null && c.append(res.content())) {
                                sh.store(c);
                            }
                        }
                    } finally {
                        if (res != null) {
                            res.release();
                        }
                        sh.land(key);
                    }
                });
    }

    private static String pathOf(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }
}

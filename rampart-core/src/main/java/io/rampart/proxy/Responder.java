package io.rampart.proxy;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.rampart.challenge.Gatekeeper;
import io.rampart.mitigate.Verdict;
import io.rampart.shield.CachedResponse;

/**
 * Rampart's own answers, and the one place that turns a verdict into what the client gets:
 * error pages ({@code 4xx}/{@code 5xx} with the reference id, HTML or JSON), the challenge, a
 * redirect, a stored copy from the shield, a tarpit, a silent close. Every answer ends the
 * exchange ({@link Exchange#end}) and hands the connection back to its {@link ClientConnection},
 * which keeps it, discards the rest of the body, or closes it.
 */
final class Responder {
    private Responder() {
    }

    /** What a refused request gets, by verdict. */
    static void refuse(Exchange x, Verdict verdict) {
        switch (verdict) {
            case LIMIT:
                answer(x, 429, false);
                break;
            case TARPIT:
                tarpit(x);
                break;
            case CHALLENGE:
                challenge(x, false);
                break;
            case CLOSE:
                closeSilently(x);
                break;
            default:
                answer(x, 403, false);
        }
    }

    /** Answers a broken request and closes: framing is in doubt. */
    static void protocolError(Exchange x, int code) {
        x.rt.metrics.protocolError(code);
        answer(x, code, true);
    }

    /** One of Rampart's error pages for {@code code} ({@code Retry-After} on 429 and 503). */
    static void answer(Exchange x, int code, boolean close) {
        if (!x.ctx.channel().isActive()) {
            // e.g. the decoder flushing a half-received head as the client disconnects: nobody to answer
            x.status = code;
            x.end(true);
            x.conn.markClosing();
            return;
        }
        boolean keep = x.mayKeep(close);
        ErrorResponses pages = x.site == null || x.site.pages() == null ? x.rt.errors : x.site.pages();
        boolean waits = code == 429 || code == 503;
        long wait = waits ? x.decision.retryAfterSeconds() : 0;
        FullHttpResponse res = pages.build(x.ctx.alloc(), code, x.ref, wait, x.wantsJson(), !keep);
        if (waits) {
            res.headers().set(HttpHeaderNames.RETRY_AFTER, wait);
        }
        send(x, res, code, keep);
    }

    /** Sends one of Rampart's own complete responses, logged as a refusal, keeping the connection if {@code keep}. */
    static void send(Exchange x, FullHttpResponse res, int code, boolean keep) {
        send(x, res, code, keep, true);
    }

    /** @param refusal logged as a refusal (sampled under a flood) rather than as served traffic */
    static void send(Exchange x, FullHttpResponse res, int code, boolean keep, boolean refusal) {
        x.status = code;
        x.bytesOut = res.content().readableBytes();
        x.rt.metrics.response(x.siteIndex, code);
        x.end(refusal);
        x.conn.finish(res, keep, true);
    }

    /** The proof-of-work page (or its JSON form for API clients) instead of the page asked for. */
    static void challenge(Exchange x, boolean suspect) {
        String ua = x.userAgent();
        Gatekeeper g = x.rt.gatekeeper;
        int bits = g.difficultyFor(suspect, x.policy == null ? null : x.policy.state());
        String ticketText = g.tickets().mintChallenge(x.client, ua, bits);
        boolean json = x.wantsJson();
        String body;
        if (json) {
            body = g.page().json(ticketText, bits, x.refText());
        } else {
            HttpMethod m = x.request.method();
            boolean post = m != HttpMethod.GET && m != HttpMethod.HEAD;
            String pass = g.tickets().mintPass(x.client, ua, x.target);
            body = g.page().html(ticketText, bits, pass, x.target, g.waitSeconds(), post, x.refText());
        }
        x.rt.metrics.challenge("issued");
        boolean keep = x.mayKeep(false);
        send(x, OwnAnswers.challenge(body, json, x.refText(), keep), 403, keep);
    }

    /** {@code 303 See Other} to a local path, with a cookie to set or none. */
    static void redirect(Exchange x, String location, String setCookie) {
        boolean keep = x.mayKeep(false);
        send(x, OwnAnswers.redirect(location, setCookie, x.refText(), keep), 303, keep);
    }

    /** A stored response: {@code result} says how it was found (hit, stale, coalesced, stale-if-error, snapshot). */
    static void serveStored(Exchange x, CachedResponse stored, String result) {
        x.count(Verdict.ALLOW);
        x.rt.metrics.shield(result);
        boolean keep = x.mayKeep(false);
        FullHttpResponse res = OwnAnswers.stored(stored, x.request.method() == HttpMethod.HEAD, x.rt.ticker.getAsLong(),
                result, x.standing.setCookie(), x.refText(), keep);
        send(x, res, stored.status(), keep, false);
    }

    /** The origin failed: a stale copy or a snapshot the shield kept for this request, instead of an error. */
    static void serveFallback(Exchange x) {
        CachedResponse f = x.fallback;
        x.fallback = null;
        serveStored(x, f, f.snapshot() ? "snapshot" : "stale-if-error");
    }

    /**
     * The top rung: read nothing more, answer nothing, close after {@code detection.closeHold}. A
     * bot that waits for its answer waits here instead of reconnecting at once; the connection caps
     * bound how many such holds one client can cost.
     */
    static void holdThenClose(Exchange x) {
        hold(x, x.rt.closeHoldNanos, () -> closeSilently(x));
    }

    /** The tarpit action: hold the request, then answer {@code 429}. */
    private static void tarpit(Exchange x) {
        hold(x, x.decision.tarpitNanos(), () -> answer(x, 429, x.requestHasBody));
    }

    /** Holds the request for {@code nanos} without reading or holding a thread, then runs {@code then}. */
    private static void hold(Exchange x, long nanos, Runnable then) {
        x.phase = Exchange.Phase.HELD;
        x.conn.pauseReading();
        x.waitAtMost(nanos, Exchange.Phase.HELD, then);
    }

    /** No answer at all: the connection is closed. */
    private static void closeSilently(Exchange x) {
        x.status = 0;
        x.end(true);
        x.conn.closeNow();
    }
}

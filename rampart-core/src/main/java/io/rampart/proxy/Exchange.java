package io.rampart.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.netty.util.concurrent.ScheduledFuture;
import io.rampart.admission.AdmissionGate;
import io.rampart.challenge.Standing;
import io.rampart.mitigate.Decision;
import io.rampart.mitigate.RefIds;
import io.rampart.mitigate.SitePolicy;
import io.rampart.mitigate.Verdict;
import io.rampart.shield.CachedResponse;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.ConnectionPrints;
import io.rampart.traffic.RequestFeatures;
import java.util.concurrent.TimeUnit;

/**
 * One request on a client connection and everything that becomes of it: the request, who sent
 * it, the site, the decision, the admission slot, the shield's flight, the origin leg, timings,
 * sizes and the final status. The per-request context every {@link Step} reads and writes (as
 * Armeria's request context), one instance per connection (or HTTP/2 stream), reset for each
 * request so the path allocates nothing.
 *
 * <p>Design note — one way in, one way out. {@link #begin} starts a request and counts it in
 * flight; {@link #end} is the only way out, whatever happened (answered, refused, proxied,
 * failed, abandoned by the client): it cancels what the exchange waits for, gives back its origin
 * slot, lands the shield flight it leads, frees buffered body parts, writes the access-log line
 * and counts the request out — each exactly once. Callbacks that arrive later (an origin slot, a
 * shield flight, a connect) carry the {@link #id} they were made for and find the exchange moved on.
 */
final class Exchange {
    /** Where the exchange stands. */
    enum Phase {
        /** No request yet, or the last one ended. */
        ENDED,
        /** The steps are running (synchronously, within the request head's read). */
        DECIDING,
        /** Waiting for a shield flight, the body, an origin slot or the origin; or streaming the response. */
        FORWARDING,
        /** Held without reading before an answer (tarpit, close rule). */
        HELD
    }

    // ---------------------------------------------------------------- the connection's, for every request
    final GatewayRuntime rt;
    final ClientConnection conn;
    final ChannelHandlerContext ctx;
    final ClientGuard guard;
    final ClientAddress peer;
    final boolean peerTrusted;
    /** {@code http} or {@code https}: how the client reached us. */
    final String scheme;
    final ConnectionPrints prints;
    final Decision decision = new Decision();
    final Standing standing = new Standing();
    final RequestFeatures features;
    final AdmissionGate.Ticket ticket;
    final OriginLeg origin;
    private final StringBuilder logLine = new StringBuilder(384);

    // ---------------------------------------------------------------- this request
    /** Changes with every request: callbacks compare it to know whether they are still wanted. */
    int id;
    Phase phase = Phase.ENDED;
    /** The index in {@link RequestPath} of the step running (or waiting). */
    int step;
    long ref;
    private AsciiString refText;
    long startNanos;
    long sentNanos;
    long upstreamNanos;
    long bytesIn;
    long bytesOut;
    int status;
    String method;
    String target;
    String authority;
    /** The client: the peer, or the address a trusted proxy names. */
    ClientAddress client;
    /** The request's header fingerprint ({@code Dimension.FINGERPRINT}), 0 until it is known. */
    long headerPrint;
    /** The request head, or null for an answer no request stands behind (a timeout). */
    HttpRequest request;
    HttpVersion clientVersion;
    Site site;
    int siteIndex;
    /** The control plane's policy for the site, read once per request. */
    SitePolicy policy;
    /** A request for Rampart's own pages under {@code /.rampart/}. */
    boolean own;
    boolean allowListed;
    /**
     * The client's address as a {@code Dimension.CLIENT} value (the key of the shared-address book),
     * once the request's features are known.
     */
    long addressId;
    /**
     * An anonymous request charged to its address's limits with this many people sharing it (0: not
     * charged so): given back if the origin answers by logging a new person in ({@link LogIns}).
     */
    int anonymousCharge;
    boolean requestHasBody;
    /** The request's Content-Length, or 0 when it has none (no body, or chunked). */
    long declaredBodyLength;
    boolean requestDone;
    /** A small request body is being read whole before the request is admitted. */
    boolean bufferingBody;
    /** The admission gate of the site, once the request asks it for a slot. */
    AdmissionGate gate;
    /** Waiting in the admission queue. */
    boolean queued;
    /** The client browses like a script, not a person ({@link Habits}): admission's suspect lane. */
    boolean automated;
    /** The shield's cache key when the request may be answered by it, else null. */
    String shieldKey;
    /** This request leads the shield's flight for its key: it must land it, whatever happens. */
    boolean leader;
    /** Waiting for another request's fetch of the same page. */
    boolean waitingForFlight;
    /** The key is already marked hit-for-pass (no need to mark it again). */
    boolean shieldPassing;
    /** A stale copy or snapshot to serve if the origin fails. */
    CachedResponse fallback;
    /** The request passed every check ({@link Allowed}); its verdict is counted once its fate is known. */
    boolean allowed;
    private boolean verdictCounted;
    /** The deadline of what the exchange waits for: a shield flight, an origin slot, or a hold. */
    private ScheduledFuture<?> waitDeadline;
    private boolean counted;
    private boolean logged;

    Exchange(GatewayRuntime rt, ClientConnection conn, ChannelHandlerContext ctx, ClientGuard guard, ClientAddress peer,
             boolean peerTrusted, String scheme, ConnectionPrints prints) {
        this.rt = rt;
        this.conn = conn;
        this.ctx = ctx;
        this.guard = guard;
        this.peer = peer;
        this.peerTrusted = peerTrusted;
        this.scheme = scheme;
        this.prints = prints;
        this.features = new RequestFeatures(rt.hasher).connection(prints).geo(rt.geo);
        this.ticket = new AdmissionGate.Ticket(ctx.executor(), this::onAdmitted, this::onEvicted);
        this.origin = new OriginLeg(this);
        this.siteIndex = rt.unroutedIndex();
    }

    /** Starts a new request (counted in flight until {@link #end}); {@code req} null: an answer with no request behind it. */
    void begin(HttpRequest req) {
        id++;
        phase = Phase.DECIDING;
        step = 0;
        ref = RefIds.next();
        refText = null;
        startNanos = rt.ticker.getAsLong();
        sentNanos = 0;
        upstreamNanos = -1;
        bytesIn = 0;
        bytesOut = 0;
        status = 0;
        request = req;
        method = req == null ? "-" : req.method().name();
        target = req == null ? "-" : req.uri();
        clientVersion = req == null ? HttpVersion.HTTP_1_1 : req.protocolVersion();
        authority = null;
        client = peer;
        headerPrint = 0;
        site = null;
        siteIndex = rt.unroutedIndex();
        policy = null;
        own = false;
        allowListed = false;
        addressId = 0;
        anonymousCharge = 0;
        requestHasBody = false;
        declaredBodyLength = 0;
        requestDone = req == null;
        bufferingBody = false;
        gate = null;
        queued = false;
        automated = false;
        shieldKey = null;
        leader = false;
        waitingForFlight = false;
        shieldPassing = false;
        fallback = null;
        allowed = false;
        verdictCounted = false;
        waitDeadline = null;
        decision.clear();
        standing.reset();
        origin.reset();
        logged = false;
        counted = req != null;
        if (counted) {
            rt.inFlight.incrementAndGet();
        }
    }

    /**
     * Ends the exchange: cancels what it waited for, gives back its origin slot, lands the shield
     * flight it leads, frees buffered body parts, writes the access-log line and counts it out.
     * Safe to call more than once; only the first call acts.
     *
     * @param refusal logged as a refusal (sampled under a flood) rather than as served traffic
     */
    void end(boolean refusal) {
        if (phase == Phase.ENDED) {
            return;
        }
        phase = Phase.ENDED;
        cancelWait();
        origin.end();
        if (gate != null) {
            if (queued) {
                queued = false;
                gate.withdraw(ticket); // gone before its wait ran out: nobody was answered 503
            }
            if (ticket.holding()) {
                gate.release(ticket, -1, false);
            }
        }
        landFlight();
        if (allowed) {
            count(decision.verdict()); // an allowed request that ended before its fate was counted (the client left, a 413)
        }
        if (!logged) {
            logged = true;
            log(refusal);
        }
        if (counted) {
            counted = false;
            rt.inFlight.decrementAndGet();
        }
    }

    /**
     * Ends the exchange early with {@code code}: the origin leg is dropped (mid-body, so the origin
     * never sees a complete request), and the client gets the shield's fallback if the origin failed
     * and one is kept, else the error page ({@code Connection: close} if the body did not finish),
     * or a close if the response had already begun.
     */
    void fail(int code) {
        cancelWait();
        releaseSlot(-1, false);
        origin.end();
        landFlight();
        if (fallback != null && !origin.started() && code >= 500 && ctx.channel().isActive()) {
            decision.clear();
            Responder.serveFallback(this);
            return;
        }
        if (origin.started()) {
            end(false);
            conn.closeNow();
            return;
        }
        Responder.answer(this, code, !requestDone);
    }

    /**
     * Counts the request under {@code verdict} in its site's metrics, once: refusals when they are
     * decided, allowed requests when their fate is known (forwarded, answered from the shield or
     * redirected: {@code allow}; no origin slot: {@code origin_busy}).
     */
    void count(Verdict verdict) {
        if (!verdictCounted) {
            verdictCounted = true;
            rt.metrics.request(siteIndex, verdict);
        }
    }

    /** Whether the exchange {@code id} is still the current one and in {@code p}. */
    boolean is(int id, Phase p) {
        return this.id == id && phase == p;
    }

    /** Runs the rest of the request path after a step that waited. */
    void resume() {
        RequestPath.run(this, step + 1);
    }

    // ---------------------------------------------------------------- waiting

    /** Sets the deadline of what the exchange waits for: {@code then} runs at it, if the exchange is still in {@code p}. */
    void waitAtMost(long nanos, Phase p, Runnable then) {
        int at = id;
        waitDeadline = ctx.executor().schedule(() -> {
            waitDeadline = null;
            if (is(at, p)) {
                then.run();
            }
        }, nanos, TimeUnit.NANOSECONDS);
    }

    /** What the exchange waited for came: its deadline goes. */
    void cancelWait() {
        ScheduledFuture<?> w = waitDeadline;
        if (w != null) {
            waitDeadline = null;
            w.cancel(false);
        }
    }

    /** A queued request got its origin slot (runs on this connection's event loop). */
    private void onAdmitted() {
        if (phase == Phase.FORWARDING && queued && ticket.holding() && ctx.channel().isActive()) {
            queued = false;
            cancelWait();
            Admission.admitted(this);
        } else {
            releaseSlot(-1, false);
        }
    }

    /** Pushed out of a full admission queue by a lighter or more important request. */
    private void onEvicted() {
        if (phase == Phase.FORWARDING && queued && !ticket.holding() && ctx.channel().isActive()) {
            queued = false;
            Admission.refuseForCapacity(this);
        }
    }

    /** Gives the origin slot back, teaching the limit a round trip ({@code rtt} ≥ 0) or an overload. */
    void releaseSlot(long rtt, boolean overload) {
        if (gate != null && ticket.holding()) {
            gate.release(ticket, rtt, overload);
        }
    }

    /** The leader's fetch is over: whoever waited on it looks again. */
    void landFlight() {
        if (leader) {
            leader = false;
            rt.shield.land(shieldKey);
        }
    }

    // ---------------------------------------------------------------- facts about the request

    /** The reference id as text, formatted at most once per request. */
    AsciiString refText() {
        AsciiString t = refText;
        if (t == null) {
            t = RefIds.formatAscii(ref);
            refText = t;
        }
        return t;
    }

    /**
     * Whether the connection may stay open after one of Rampart's own answers: the client wants it,
     * nothing forces a close ({@code close}, a stop, a closing connection), and any body is small
     * enough to read and throw away ({@link #bodyCheapToSkip}).
     */
    boolean mayKeep(boolean close) {
        return !close && bodyCheapToSkip() && request != null && HttpUtil.isKeepAlive(request) && !rt.draining
                && !conn.closing();
    }

    /**
     * Whether the rest of the request's body may be read and thrown away, keeping the connection,
     * instead of closing it: no body, or a Content-Length body of at most 64 KB. Measured in the
     * lab: closing after every refused log-in {@code POST} made the bots reconnect each time, which
     * cost far more than reading a small form (nginx discards such bodies too).
     */
    boolean bodyCheapToSkip() {
        return !requestHasBody || (declaredBodyLength > 0 && declaredBodyLength <= SKIPPABLE_BODY_BYTES);
    }

    private static final long SKIPPABLE_BODY_BYTES = 64 * 1024;

    /** The client asked for JSON rather than a page (an API client). */
    boolean wantsJson() {
        if (request == null) {
            return false;
        }
        String accept = request.headers().get(HttpHeaderNames.ACCEPT);
        return accept != null && accept.contains("json") && !accept.contains("text/html");
    }

    String userAgent() {
        return request.headers().get(HttpHeaderNames.USER_AGENT);
    }

    // ---------------------------------------------------------------- the access log

    private void log(boolean rejected) {
        rt.refs.record(ref, System.currentTimeMillis(), status, site == null ? null : site.name(), decision.verdict(),
                decision.reason(), decision.rule(), client, method, target, prints, headerPrint);
        if (site != null) {
            site.recorder().responded(bytesOut, standing.known(), rt.bulkResponseBytes, client, target, status);
        }
        AccessLog log = rt.accessLog;
        if (!log.enabled()) {
            return;
        }
        boolean sampled = rejected || decision.verdict() != Verdict.ALLOW;
        if (sampled && !log.sampleRejected(System.currentTimeMillis())) {
            return;
        }
        StringBuilder sb = logLine;
        sb.setLength(0);
        AccessLogLine.append(sb, this, rt.ticker.getAsLong());
        log.submit(sb.toString());
    }
}

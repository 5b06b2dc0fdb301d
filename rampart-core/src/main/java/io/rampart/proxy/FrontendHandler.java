package io.rampart.proxy;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ConnectTimeoutException;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpStatusClass;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rampart.admission.AdmissionGate;
import io.rampart.admission.Lane;
import io.rampart.challenge.ChallengePage;
import io.rampart.challenge.Gatekeeper;
import io.rampart.challenge.Standing;
import io.rampart.challenge.Tickets;
import io.rampart.config.MitigationStep;
import io.rampart.metrics.GatewayMetrics.SlowKind;
import io.rampart.metrics.GatewayMetrics.UpstreamError;
import io.rampart.mitigate.Decision;
import io.rampart.mitigate.Reason;
import io.rampart.mitigate.Rule;
import io.rampart.mitigate.SitePolicy;
import io.rampart.mitigate.Verdict;
import io.rampart.shield.CachedResponse;
import io.rampart.shield.Capture;
import io.rampart.shield.Shield;
import io.rampart.shield.ShieldFetcher;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.Dimension;
import io.rampart.traffic.KeyHash;
import io.rampart.traffic.RequestFeatures;
import io.rampart.traffic.TrafficRecorder;
import java.net.URI;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client connection's request path: hygiene, identify, route, decide, then forward to an
 * origin or answer directly.
 *
 * <p>Design note: one exchange at a time per connection. While a request is in flight, reading
 * from the client pauses at the end of its body; requests the client pipelined are decoded into
 * a small inbox (bounded by one socket read) and served in order. Bodies stream both ways:
 * reading from one side stops while the other side's outbound buffer is full (writability), so
 * a large upload or download runs in constant memory. The origin connection comes from the
 * per-event-loop {@link UpstreamPool} and shares this connection's event loop, so nothing here
 * needs a lock.
 */
final class FrontendHandler extends ChannelDuplexHandler {
    private static final Logger LOG = LoggerFactory.getLogger(FrontendHandler.class);

    private enum State {
        /** Waiting for a request head. */
        IDLE,
        /** Proxying a request to an origin. */
        EXCHANGE,
        /** Answered early; dropping what is left of the request until its end. */
        SKIP_REST,
        /** Holding a request before answering (tarpit). */
        TARPIT,
        /** The connection is closing; everything read is dropped. */
        CLOSING
    }

    private final GatewayRuntime rt;
    private final ClientGuard guard;
    private final ClientAddress peer;
    private final boolean peerTrusted;
    private final String scheme;
    private final io.rampart.traffic.ConnectionPrints prints;
    private final Decision decision = new Decision();
    private final RequestFeatures features;
    private final Standing standing = new Standing();
    private AdmissionGate.Ticket ticket;
    /** The admission gate of the current exchange's site, or null. */
    private AdmissionGate gate;
    // the shield, for the current exchange
    /** The cache key when the request may be answered by the shield, else null. */
    private String shieldKey;
    /** This request leads the flight for its key: it must land it, whatever happens. */
    private boolean leader;
    /** Waiting for another request's fetch of the same page. */
    private boolean waitingForFlight;
    /** The origin's response being copied into the shield. */
    private Capture capture;
    /** A stale copy or snapshot to serve if the origin fails. */
    private CachedResponse fallback;
    /** Discarding an origin's 5xx to serve {@link #fallback} at its end. */
    private boolean swallowing;
    /** The key is already marked hit-for-pass: no need to mark it again (a cache write per request). */
    private boolean shieldPassing;
    /** A small request body is being read whole before the request is admitted. */
    private boolean bufferingBody;
    private final ArrayDeque<Object> inbox = new ArrayDeque<>(4);
    private ChannelHandlerContext ctx;
    private State state = State.IDLE;
    private int exchangeId;

    // the current exchange
    private HttpRequest request;
    private HttpVersion clientVersion;
    private boolean counted;
    private boolean requestHasBody;
    /** The request's Content-Length, or 0 when it has none (no body, or chunked). */
    private long declaredBodyLength;
    private boolean requestDone;
    private boolean responseStarted;
    private boolean informational;
    private boolean upgradeRequested;
    private boolean upgrading;
    private boolean clientKeepAlive;
    private boolean backendKeepAlive;
    private boolean replayable;
    private int attempts;
    private Site site;
    private int siteIndex;
    private Upstream upstream;
    private Upstream failedUpstream;
    private BackendHandler backend;
    private ArrayDeque<HttpContent> pending;
    private final StringBuilder logLine = new StringBuilder(384);
    private final Exchange ex = new Exchange();
    private ScheduledFuture<?> timer;
    private LazyDeadline responseDeadline;

    FrontendHandler(GatewayRuntime rt, ClientGuard guard, ClientAddress peer, boolean peerTrusted, String scheme) {
        this(rt, guard, peer, peerTrusted, scheme, io.rampart.traffic.ConnectionPrints.PLAIN);
    }

    /** @param prints the connection's TLS and HTTP/2 fingerprints (recorded with each request, written to the access log) */
    FrontendHandler(GatewayRuntime rt, ClientGuard guard, ClientAddress peer, boolean peerTrusted, String scheme,
                    io.rampart.traffic.ConnectionPrints prints) {
        this.rt = rt;
        this.guard = guard;
        this.peer = peer;
        this.peerTrusted = peerTrusted;
        this.scheme = scheme;
        this.siteIndex = rt.unroutedIndex();
        this.features = new RequestFeatures(rt.hasher).connection(prints).geo(rt.geo);
        this.prints = prints;
    }

    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
        this.ctx = ctx;
        this.responseDeadline = new LazyDeadline(ctx.executor(), this::onResponseTimeout);
        this.ticket = new AdmissionGate.Ticket(ctx.executor(), this::onAdmitted, this::onEvicted);
    }

    // ---------------------------------------------------------------- client side

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
        if (state == State.CLOSING) {
            ReferenceCountUtil.release(msg); // lingering close or closing: nothing more is served
            return;
        }
        if (!inbox.isEmpty() || (msg instanceof HttpRequest && state != State.IDLE)) {
            // a pipelined request: keep it (and what follows) until the current exchange is done
            inbox.add(msg);
            ctx.channel().config().setAutoRead(false);
            return;
        }
        dispatch(msg);
    }

    private void dispatch(Object msg) {
        if (msg instanceof HttpRequest) {
            onRequest((HttpRequest) msg);
        }
        if (msg instanceof HttpContent) {
            onRequestContent((HttpContent) msg);
        } else if (!(msg instanceof HttpRequest)) {
            ReferenceCountUtil.release(msg);
        }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
        BackendHandler b = backend;
        if (b != null) {
            b.channel().flush();
        }
        ctx.flush();
    }

    private void onRequest(HttpRequest req) {
        guard.headReceived();
        exchangeId++;
        request = req;
        clientVersion = req.protocolVersion();
        ex.begin(rt.ticker.getAsLong(), peer, req.method().name(), req.uri());
        attempts = 0;
        requestDone = false;
        responseStarted = false;
        informational = false;
        upgradeRequested = false;
        upgrading = false;
        backend = null;
        upstream = null;
        failedUpstream = null;
        site = null;
        siteIndex = rt.unroutedIndex();
        requestHasBody = false;
        declaredBodyLength = 0;
        decision.clear();
        standing.reset();
        gate = null;
        shieldKey = null;
        leader = false;
        waitingForFlight = false;
        capture = null;
        fallback = null;
        swallowing = false;
        shieldPassing = false;
        bufferingBody = false;
        counted = true;
        rt.inFlight.incrementAndGet();

        if (req.decoderResult().isFailure()) {
            protocolError(RequestHygiene.statusForDecoderFailure(req.decoderResult()));
            return;
        }
        int bad = RequestHygiene.check(req, rt.maxHeaders);
        if (bad != 0) {
            protocolError(bad);
            return;
        }
        long declaredLength = HttpUtil.getContentLength(req, 0L);
        requestHasBody = declaredLength > 0 || HttpUtil.isTransferEncodingChunked(req);
        declaredBodyLength = declaredLength;
        if (req.method() == HttpMethod.CONNECT || req.method() == HttpMethod.TRACE) {
            protocolError(405);
            return;
        }
        if (declaredLength > rt.maxBodyBytes) {
            protocolError(413);
            return;
        }
        if (ex.target.charAt(0) != '/' && !"*".equals(ex.target)) {
            // absolute-form (RFC 9112 §3.2.2): the authority in the target wins over Host
            URI uri = URI.create(ex.target);
            ex.authority = uri.getRawAuthority();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            ex.target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
            req.setUri(ex.target);
            if (ex.authority != null) {
                req.headers().set(HttpHeaderNames.HOST, ex.authority);
            }
        } else {
            ex.authority = req.headers().get(HttpHeaderNames.HOST);
        }
        String acme = req.method() == HttpMethod.GET ? rt.acmeChallenges.answer(ex.target) : null;
        if (acme != null) {
            // the CA validating a certificate order: answered before any routing, limit or challenge
            boolean keep = keepAfterOwnAnswer(false);
            send(OwnAnswers.of(HttpResponseStatus.OK, "text/plain", acme.getBytes(java.nio.charset.StandardCharsets.US_ASCII),
                    ex.refText(), keep), 200, keep);
            return;
        }
        site = rt.router.routeAuthority(ex.authority);
        if (site == null && ex.authority != null && SiteRouter.hostOf(ex.authority) == null) {
            protocolError(400);
            return;
        }
        if (peerTrusted) {
            ex.client = ForwardHeaders.clientOf(req.headers(), rt.trustedProxies, peer);
        }
        if (site == null) {
            rt.metrics.request(siteIndex, Verdict.BLOCK);
            answer(421, false);
            return;
        }
        siteIndex = site.index();
        features.fill(ex.client, req, ex.target);
        ex.headerPrint = features.value(Dimension.FINGERPRINT);
        boolean own = ex.target.startsWith(ChallengePage.PREFIX);
        HttpHeaders h = req.headers();
        boolean allowListed = rt.decider.allowListed(ex.client);
        if (!own) {
            // who the client is comes first: known users are rate limited each on their own (an office NAT)
            rt.gatekeeper.assess(h, ex.client, allowListed, standing);
            countTickets();
        }
        SitePolicy sp = rt.policy.get().site(siteIndex);
        rt.decider.decide(ex.client, site.limitsFor(ex.target), rt.ticker.getAsLong(), standing.person(),
                standing.person() == 0 ? sp.sharedUsers(ex.client.key()) : 1, allowListed, decision);
        Verdict verdict = decision.verdict();
        if (verdict == Verdict.ALLOW) {
            if (own) {
                site.recorder().record(features, 0);
                rt.metrics.request(siteIndex, verdict);
                serveOwn();
                return;
            }
            if (sp.hasRules() && !verifiedKnown() && enforcedRule(sp)) {
                return;
            }
            if (!standing.known() && (site.underAttack() || sp.challengeUnknown())
                    && !rt.gatekeeper.exempt(ex.target, h.get(HttpHeaderNames.USER_AGENT), ex.client)) {
                boolean suspect = decision.suspect();
                decision.challenge(Reason.UNDER_ATTACK);
                site.recorder().record(features, TrafficRecorder.REFUSED);
                rt.metrics.request(siteIndex, Verdict.CHALLENGE);
                challenge(suspect);
                return;
            }
            if (standing.carriesOurCookies()) {
                String rest = rt.gatekeeper.withoutOurCookies(h.get(HttpHeaderNames.COOKIE));
                if (rest == null) {
                    h.remove(HttpHeaderNames.COOKIE);
                } else {
                    h.set(HttpHeaderNames.COOKIE, rest);
                }
            }
            site.recorder().record(features, standing.known() ? TrafficRecorder.KNOWN : 0, standing.person());
        } else {
            site.recorder().record(features, TrafficRecorder.REFUSED);
        }
        rt.metrics.request(siteIndex, verdict);
        refuseOrForward(verdict);
    }

    private void refuseOrForward(Verdict verdict) {
        switch (verdict) {
            case ALLOW:
                if (!redirectedToHttps() && !answeredByShield()) {
                    forward();
                }
                break;
            case LIMIT:
                answer(429, false);
                break;
            case TARPIT:
                tarpit();
                break;
            case CHALLENGE:
                challenge(false);
                break;
            case CLOSE:
                ex.status = 0;
                log(true);
                endExchange();
                closeNow();
                break;
            default:
                answer(403, false);
        }
    }

    /**
     * Known on grounds an attacker cannot forge: the allow list, a clearance or solved challenge, a
     * signed user token, a verified crawler. Such clients skip automatic rules; a client known only
     * by a user cookie or header (which anyone can send) does not.
     */
    private boolean verifiedKnown() {
        switch (standing.basis()) {
            case ALLOW_LIST:
            case CLEARANCE:
            case SOLVED:
            case PASS:
            case USER_TOKEN:
            case VERIFIED_BOT:
                return true;
            default:
                return false;
        }
    }

    /**
     * Applies the first enforced automatic rule the request matches. Returns whether the request
     * was answered here; false when no rule matched, or a {@code limit} rule let it through.
     */
    private boolean enforcedRule(SitePolicy sp) {
        Rule rule = sp.match(features);
        if (rule == null) {
            return false;
        }
        Verdict verdict;
        switch (rule.step()) {
            case CLOSE:
                verdict = Verdict.CLOSE;
                break;
            case BLOCK:
                verdict = Verdict.BLOCK;
                break;
            case CHALLENGE:
                verdict = rt.gatekeeper.exempt(ex.target, request.headers().get(HttpHeaderNames.USER_AGENT), ex.client)
                        ? Verdict.LIMIT // feeds and APIs cannot run a challenge: they are held to the rule's rate instead
                        : Verdict.CHALLENGE;
                break;
            default:
                verdict = Verdict.LIMIT;
        }
        long wait = 0;
        if (verdict == Verdict.LIMIT) {
            wait = rt.decider.table().admit(ex.client.key(), rt.ruleLimit, rt.ticker.getAsLong());
            if (wait <= 0) {
                return false;
            }
        }
        decision.rule(rule, verdict, wait);
        site.recorder().record(features, TrafficRecorder.REFUSED | (standing.known() ? TrafficRecorder.KNOWN : 0));
        rt.metrics.request(siteIndex, verdict);
        if (verdict == Verdict.CLOSE && rt.closeHoldNanos > 0) {
            holdThenClose();
        } else {
            refuseOrForward(verdict);
        }
        return true;
    }

    private void onRequestContent(HttpContent c) {
        boolean last = c instanceof LastHttpContent;
        if (c.decoderResult().isFailure() && state != State.CLOSING) {
            // a broken body (bad chunk size...): framing is lost, so is this connection; the origin
            // connection is dropped mid-body so the origin never sees a complete request
            c.release();
            rt.metrics.protocolError(400);
            if (state == State.EXCHANGE) {
                abortExchange(400);
            } else {
                closeNow();
            }
            return;
        }
        if (state != State.EXCHANGE) {
            c.release();
            if (last) {
                requestDone = true;
                if (state == State.SKIP_REST) {
                    goIdle();
                }
            }
            return;
        }
        ex.bytesIn += c.content().readableBytes();
        if (ex.bytesIn > rt.maxBodyBytes) {
            c.release();
            abortExchange(413);
            return;
        }
        BackendHandler b = backend;
        if (b == null) {
            if (pending == null) {
                pending = new ArrayDeque<>(4);
            }
            pending.add(c);
        } else {
            b.channel().write(c, b.channel().voidPromise());
        }
        if (last) {
            requestDone = true;
            guard.requestComplete();
            if (b != null) {
                b.channel().flush();
                startResponseTimer();
            }
        }
        if (bufferingBody && (last || ex.bytesIn >= BUFFERED_BODY_BYTES)) {
            bufferingBody = false;
            if (!last) {
                // a large upload arriving at a fair pace: the rest streams once the origin is ready
                ctx.channel().config().setAutoRead(false);
            }
            updateReading();
            admitThenConnect(); // now it may take an origin slot
            return;
        }
        updateReading();
    }

    /** Answers a broken request and closes: framing is in doubt. */
    private void protocolError(int code) {
        rt.metrics.protocolError(code);
        answer(code, true);
    }

    /**
     * Sends one of Rampart's own answers for the current request. The connection stays open only
     * if the client wants it, nothing forces a close, and any body is small enough to read and
     * discard (see {@link #bodyCheapToSkip}).
     */
    private void answer(int code, boolean close) {
        if (!ctx.channel().isActive()) {
            // e.g. the decoder flushing a half-received head as the client disconnects: nobody to answer
            ex.status = code;
            log(true);
            endExchange();
            state = State.CLOSING;
            return;
        }
        boolean keep = keepAfterOwnAnswer(close);
        FullHttpResponse res = rt.errors.build(ctx.alloc(), code, ex.ref, wantsJson(), !keep);
        if (code == 429 || code == 503) {
            res.headers().set(HttpHeaderNames.RETRY_AFTER, decision.retryAfterSeconds());
        }
        send(res, code, keep);
    }

    private boolean keepAfterOwnAnswer(boolean close) {
        return !close && bodyCheapToSkip() && request != null && HttpUtil.isKeepAlive(request) && !rt.draining
                && state != State.CLOSING;
    }

    /** Sends one of Rampart's own complete responses and ends the exchange, keeping the connection if {@code keep}. */
    private void send(FullHttpResponse res, int code, boolean keep) {
        send(res, code, keep, true);
    }

    /** @param refusal logged as a refusal (sampled under a flood) rather than as served traffic */
    private void send(FullHttpResponse res, int code, boolean keep, boolean refusal) {
        ex.status = code;
        ex.bytesOut = res.content().readableBytes();
        rt.metrics.response(siteIndex, code);
        log(refusal);
        endExchange();
        if (keep) {
            ctx.writeAndFlush(res, ctx.voidPromise());
            if (requestDone) {
                goIdle();
            } else {
                skipRestOfBody();
            }
        } else if (!requestDone) {
            state = State.CLOSING;
            ctx.writeAndFlush(res).addListener(f -> lingeringClose());
        } else {
            state = State.CLOSING;
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(res).addListener(ChannelFutureListener.CLOSE);
        }
    }

    // ---------------------------------------------------------------- origin shield

    /**
     * Answers from the shield when it can (fresh, or stale while one background fetch refreshes
     * it), or parks this request behind another one's fetch of the same page. False: go to the
     * origin (this request may lead the fetch, and fills the shield if the response allows).
     */
    private boolean answeredByShield() {
        Shield sh = rt.shield;
        if (sh == null || !Shield.eligible(request)) {
            return false;
        }
        AdmissionGate g = site.admission();
        boolean pressured = g != null && g.pressured();
        String key = sh.key(ex.authority, ex.target, pressured);
        shieldKey = key;
        long now = rt.ticker.getAsLong();
        CachedResponse stored = sh.find(key, request.headers());
        if (stored != null) {
            switch (sh.use(stored, now, pressured)) {
                case FRESH:
                    serveStored(stored, "hit");
                    return true;
                case STALE_REVALIDATE:
                    serveStored(stored, "stale");
                    revalidate(key, request);
                    return true;
                default:
                    if (sh.usableOnError(stored, now)) {
                        fallback = stored;
                    }
            }
        }
        if (fallback == null && !rt.snapshots.isEmpty()) {
            fallback = rt.snapshots.get(siteIndex, pathOf(ex.target));
        }
        if (sh.passes(key)) {
            shieldPassing = true;
            rt.metrics.shield("pass");
            return false;
        }
        if (sh.lead(key)) {
            leader = true;
            rt.metrics.shield("miss");
            return false;
        }
        int id = exchangeId;
        if (sh.follow(key, () -> ctx.executor().execute(() -> onFlightLanded(id)))) {
            waitingForFlight = true;
            state = State.EXCHANGE;
            timer = ctx.executor().schedule(() -> {
                timer = null;
                onFlightLanded(id);
            }, rt.upstreamResponseNanos, TimeUnit.NANOSECONDS);
            return true;
        }
        rt.metrics.shield("miss");
        return false;
    }

    /** The fetch this request waited on is over: serve what it stored, or go to the origin after all. */
    private void onFlightLanded(int id) {
        if (id != exchangeId || !waitingForFlight || state != State.EXCHANGE || !ctx.channel().isActive()) {
            return;
        }
        waitingForFlight = false;
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
        CachedResponse stored = rt.shield.find(shieldKey, request.headers());
        if (stored != null && rt.shield.use(stored, rt.ticker.getAsLong(), false) != Shield.Use.STALE) {
            releasePending();
            serveStored(stored, "coalesced");
            return;
        }
        rt.metrics.shield("miss");
        forward();
    }

    /** One background fetch refreshes a stale page, unless one is already under way. */
    private void revalidate(String key, HttpRequest req) {
        Shield sh = rt.shield;
        if (!sh.lead(key)) {
            return;
        }
        Upstream u = site.upstreams().pick(rt.ticker.getAsLong(), null);
        String host = ex.authority == null ? u.url().host() : ex.authority;
        ShieldFetcher.fetch(ctx.channel().eventLoop(), u.address(), host, req.uri(), rt.shieldMaxObject,
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

    /** Sends a stored response: {@code result} says how it was found (hit, stale, coalesced, stale-if-error, snapshot). */
    private void serveStored(CachedResponse stored, String result) {
        rt.metrics.shield(result);
        boolean keep = keepAfterOwnAnswer(false);
        FullHttpResponse res = OwnAnswers.stored(stored, request.method() == HttpMethod.HEAD, rt.ticker.getAsLong(), result,
                standing.setCookie(), ex.refText(), keep);
        send(res, stored.status(), keep, false);
    }

    /** The leader's fetch is over: whoever waited on it looks again. */
    private void landFlight() {
        if (leader) {
            leader = false;
            rt.shield.land(shieldKey);
        }
    }

    private static String pathOf(String target) {
        int q = target.indexOf('?');
        return q < 0 ? target : target.substring(0, q);
    }

    // ---------------------------------------------------------------- challenge and clearance

    private void countTickets() {
        if (standing.basis() == Standing.Basis.SOLVED) {
            rt.metrics.challenge("solved");
        } else if (standing.refused() != null) {
            rt.metrics.challenge("refused." + standing.refused().name().toLowerCase(Locale.ROOT));
        }
    }

    /** Answers with the proof-of-work page (or its JSON form) instead of forwarding. */
    private void challenge(boolean suspect) {
        HttpHeaders h = request.headers();
        String ua = h.get(HttpHeaderNames.USER_AGENT);
        Gatekeeper g = rt.gatekeeper;
        int bits = g.difficultyFor(suspect);
        String ticketText = g.tickets().mintChallenge(ex.client, ua, bits);
        boolean json = wantsJson();
        String body;
        if (json) {
            body = g.page().json(ticketText, bits, ex.refText());
        } else {
            boolean post = request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD;
            String pass = g.tickets().mintPass(ex.client, ua, ex.target);
            body = g.page().html(ticketText, bits, pass, ex.target, g.waitSeconds(), post, ex.refText());
        }
        rt.metrics.challenge("issued");
        boolean keep = keepAfterOwnAnswer(false);
        send(OwnAnswers.challenge(body, json, ex.refText(), keep), 403, keep);
    }

    /** Rampart's own addresses under {@code /.rampart/}: the challenge scripts and the no-JavaScript pass. */
    private void serveOwn() {
        if (request.method() != HttpMethod.GET && request.method() != HttpMethod.HEAD) {
            answer(405, false);
            return;
        }
        QueryStringDecoder q = new QueryStringDecoder(ex.target);
        String path = q.path();
        ChallengePage page = rt.gatekeeper.page();
        if (ChallengePage.WORKER_PATH.equals(path) || ChallengePage.SCRIPT_PATH.equals(path)) {
            byte[] js = ChallengePage.WORKER_PATH.equals(path) ? page.workerJs() : page.challengeJs();
            boolean keep = keepAfterOwnAnswer(false);
            send(OwnAnswers.script(js, ex.refText(), keep), 200, keep);
        } else if (ChallengePage.PASS_PATH.equals(path)) {
            redeemPass(first(q, "t"), first(q, "u"));
        } else if (ChallengePage.CHECK_PATH.equals(path)) {
            checkCookieKept(first(q, "u"));
        } else {
            answer(404, false);
        }
    }

    /** The no-JavaScript path: a pass redeemed after its wait earns a clearance and goes back to where it started. */
    private void redeemPass(String pass, String returnTo) {
        if (pass == null || !OwnAnswers.isLocalPath(returnTo)) {
            answer(400, false);
            return;
        }
        String ua = request.headers().get(HttpHeaderNames.USER_AGENT);
        Tickets.Check c = rt.gatekeeper.tickets().redeemPass(pass, returnTo, rt.gatekeeper.waitSeconds(), ex.client, ua);
        if (c == Tickets.Check.FORGED || c == Tickets.Check.MALFORMED) {
            rt.metrics.challenge("refused." + c.name().toLowerCase(Locale.ROOT));
            answer(403, false);
            return;
        }
        if (c.ok()) {
            rt.metrics.challenge("no-js-pass");
            String check = ChallengePage.CHECK_PATH + "?u=" + URLEncoder.encode(returnTo, StandardCharsets.UTF_8);
            redirect(check, rt.gatekeeper.clearanceCookie(ex.client, ua));
        } else {
            // too early, expired, spent or from elsewhere: back to the page, which challenges afresh
            rt.metrics.challenge("refused." + c.name().toLowerCase(Locale.ROOT));
            redirect(returnTo, null);
        }
    }

    /** After a no-JavaScript pass: on to the page if the clearance came back, else say cookies are refused (no loop). */
    private void checkCookieKept(String returnTo) {
        if (!OwnAnswers.isLocalPath(returnTo)) {
            answer(400, false);
            return;
        }
        rt.gatekeeper.assess(request.headers(), ex.client, false, standing);
        if (standing.basis() == Standing.Basis.CLEARANCE) {
            redirect(returnTo, null);
            return;
        }
        rt.metrics.challenge("cookies-refused");
        boolean keep = keepAfterOwnAnswer(false);
        send(OwnAnswers.cookiesRefused(rt.gatekeeper.page().cookiesRefusedHtml(returnTo, ex.refText()), ex.refText(), keep),
                403, keep);
    }

    /**
     * A site that wants HTTPS answers a plain-HTTP request with {@code 308} to the same URL over
     * HTTPS (a trusted proxy's {@code X-Forwarded-Proto: https} counts as HTTPS; ACME HTTP-01
     * challenges stay on HTTP).
     */
    private boolean redirectedToHttps() {
        io.rampart.config.HttpsConfig https = site.https();
        if (!https.redirect() || !"http".equals(scheme) || ex.target.startsWith("/.well-known/acme-challenge/")
                || peerTrusted && "https".equalsIgnoreCase(request.headers().get("x-forwarded-proto"))) {
            return false;
        }
        String host = ex.authority == null ? "" : ex.authority;
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) {
            host = host.substring(0, colon);
        }
        if (host.isEmpty()) {
            return false;
        }
        String location = "https://" + host + (https.port() == 443 ? "" : ":" + https.port()) + ex.target;
        boolean keep = keepAfterOwnAnswer(false);
        FullHttpResponse res = OwnAnswers.redirect(location, null, ex.refText(), keep);
        res.setStatus(HttpResponseStatus.PERMANENT_REDIRECT);
        send(res, 308, keep);
        return true;
    }

    private void redirect(String location, String setCookie) {
        boolean keep = keepAfterOwnAnswer(false);
        send(OwnAnswers.redirect(location, setCookie, ex.refText(), keep), 303, keep);
    }

    private static String first(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }

    // ---------------------------------------------------------------- admission

    /** Takes an origin slot for this request (known clients first), or waits for one, or answers 503. */
    private void admitThenConnect() {
        AdmissionGate g = site.admission();
        gate = g;
        if (g == null) {
            connect();
            return;
        }
        Lane lane = standing.known() ? Lane.KNOWN : decision.suspect() ? Lane.SUSPECT : Lane.UNKNOWN;
        switch (g.acquire(ticket, lane, ex.client.key(), pathKey(ex.target))) {
            case ADMITTED:
                connect();
                break;
            case QUEUED:
                int id = exchangeId;
                timer = ctx.executor().schedule(() -> {
                    timer = null;
                    if (id == exchangeId && state == State.EXCHANGE && g.cancel(ticket)) {
                        refuseForCapacity();
                    }
                }, rt.admissionQueueNanos, TimeUnit.NANOSECONDS);
                break;
            default:
                refuseForCapacity();
        }
    }

    /** A seeded hash of the target's path (not its query), in a key space apart from clients'. No allocation. */
    private static long pathKey(String target) {
        int q = target.indexOf('?');
        return KeyHash.mix(PATH_TAG, KeyHash.fnv1a(target, q < 0 ? target.length() : q), 0);
    }

    private static final long PATH_TAG = 0x7061746868L;

    /** A queued request got its slot (runs on this connection's event loop). */
    private void onAdmitted() {
        if (state == State.EXCHANGE && backend == null && upstream == null && !waitingForFlight && ticket.holding()
                && ctx.channel().isActive()) {
            if (timer != null) {
                timer.cancel(false);
                timer = null;
            }
            if (!refusedByNewRule()) {
                connect();
            }
        } else {
            releaseSlot(-1, false);
        }
    }

    /**
     * A block or close rule deployed while this request waited for its origin slot: it is refused
     * now rather than sent on. Without this, the part of a flood queued before the rule would still
     * reach the origin for up to {@code admission.queueTimeout}.
     */
    private boolean refusedByNewRule() {
        SitePolicy sp = rt.policy.get().site(siteIndex);
        if (!sp.hasRules() || verifiedKnown()) {
            return false;
        }
        Rule rule = sp.match(features);
        if (rule == null || rule.step().compareTo(MitigationStep.BLOCK) < 0) {
            return false;
        }
        decision.rule(rule, Verdict.BLOCK, 0);
        abortExchange(403);
        return true;
    }

    /** Pushed out of a full queue by a lighter or more important request (runs on this connection's event loop). */
    private void onEvicted() {
        if (state == State.EXCHANGE && backend == null && upstream == null && !waitingForFlight && !ticket.holding()
                && ctx.channel().isActive()) {
            refuseForCapacity();
        }
    }

    private void refuseForCapacity() {
        decision.overCapacity();
        abortExchange(503);
    }

    /** Gives the origin slot back, teaching the limit a round trip ({@code rtt} ≥ 0) or an overload. */
    private void releaseSlot(long rtt, boolean overload) {
        AdmissionGate g = gate;
        if (g != null && ticket.holding()) {
            g.release(ticket, rtt, overload);
        }
    }

    /**
     * Whether the rest of the request's body may be read and thrown away, keeping the connection,
     * instead of closing it: no body, or a Content-Length body of at most
     * {@value #SKIPPABLE_BODY_BYTES} bytes. A chunked or larger body closes. Measured in the lab:
     * closing after every refused log-in {@code POST} made the bots reconnect each time, which
     * cost far more than reading a small form (nginx discards such bodies too).
     */
    private boolean bodyCheapToSkip() {
        return !requestHasBody || (declaredBodyLength > 0 && declaredBodyLength <= SKIPPABLE_BODY_BYTES);
    }

    private static final long SKIPPABLE_BODY_BYTES = 64 * 1024;

    /**
     * Reads and discards the rest of a refused request's body, keeping the connection. The body
     * must arrive within {@value #SKIP_REST_MILLIS} ms: a client that trickles it after a refusal
     * is closed, so discarding never becomes a way to hold a connection open (slow POST).
     */
    private void skipRestOfBody() {
        state = State.SKIP_REST;
        ctx.channel().config().setAutoRead(true);
        int id = exchangeId;
        ctx.executor().schedule(() -> {
            if (id == exchangeId && state == State.SKIP_REST) {
                rt.metrics.slowClient(SlowKind.BODY);
                closeNow();
            }
        }, SKIP_REST_MILLIS, TimeUnit.MILLISECONDS);
    }

    private static final long SKIP_REST_MILLIS = 2000;

    /**
     * Closes a connection whose client is still sending (an answer before the end of its body):
     * closing with unread input makes the kernel send a reset that can destroy the answer before
     * the client reads it. So: half-close, discard what still arrives for at most
     * {@value #LINGER_MILLIS} ms, then close (nginx's {@code lingering_close}).
     */
    private void lingeringClose() {
        Channel ch = ctx.channel();
        if (!ch.isActive()) {
            return;
        }
        if (ch instanceof io.netty.channel.socket.SocketChannel) {
            ((io.netty.channel.socket.SocketChannel) ch).shutdownOutput();
            ch.config().setAutoRead(true);
            ctx.executor().schedule(() -> {
                ch.close();
            }, LINGER_MILLIS, TimeUnit.MILLISECONDS);
        } else {
            ch.close();
        }
    }

    private static final long LINGER_MILLIS = 1000;

    private boolean wantsJson() {
        if (request == null) {
            return false;
        }
        String accept = request.headers().get(HttpHeaderNames.ACCEPT);
        return accept != null && accept.contains("json") && !accept.contains("text/html");
    }

    /**
     * The top rung: read nothing more, answer nothing, close after {@code detection.closeHold}. A
     * bot that waits for its answer waits here instead of reconnecting at once; the connection caps
     * bound how many such holds one client can cost.
     */
    private void holdThenClose() {
        hold(rt.closeHoldNanos, () -> {
            ex.status = 0;
            log(true);
            endExchange();
            closeNow();
        });
    }

    /** The tarpit action: hold the request, then answer {@code 429}. */
    private void tarpit() {
        hold(decision.tarpitNanos(), () -> {
            state = State.EXCHANGE; // lets answer() decide between keep-alive and close
            answer(429, requestHasBody);
        });
    }

    /** Holds the current request for {@code nanos} without reading or holding a thread, then runs {@code then}. */
    private void hold(long nanos, Runnable then) {
        state = State.TARPIT;
        ctx.channel().config().setAutoRead(false);
        int id = exchangeId;
        timer = ctx.executor().schedule(() -> {
            timer = null;
            if (id == exchangeId && state == State.TARPIT) {
                then.run();
            }
        }, nanos, TimeUnit.NANOSECONDS);
    }

    private void goIdle() {
        state = State.IDLE;
        request = null;
        guard.awaitNextRequest();
        while (!inbox.isEmpty()) {
            Object next = inbox.peek();
            if (next instanceof HttpRequest && state != State.IDLE) {
                break;
            }
            inbox.poll();
            dispatch(next);
            if (state == State.CLOSING) {
                releaseInbox();
                return;
            }
        }
        updateReading();
    }

    private void updateReading() {
        boolean read;
        switch (state) {
            case IDLE:
            case SKIP_REST:
                read = inbox.isEmpty();
                break;
            case EXCHANGE:
                // while the body streams: only as fast as the origin takes it; once the request is
                // complete, only a pipelined request can arrive, and it pauses reading in the inbox
                read = inbox.isEmpty() && (requestDone || bufferingBody || backend != null && backend.channel().isWritable());
                break;
            default:
                read = false;
        }
        ctx.channel().config().setAutoRead(read);
    }

    // ---------------------------------------------------------------- towards the origin

    private void forward() {
        state = State.EXCHANGE;
        clientKeepAlive = HttpUtil.isKeepAlive(request) && !rt.draining;
        replayable = !requestHasBody && isIdempotent(request.method());
        upgradeRequested = !requestHasBody && isWebSocketUpgrade(request);
        ForwardHeaders.prepareRequest(request, peer, peerTrusted, ex.authority, scheme);
        if (upgradeRequested) {
            // Upgrade and Connection are hop-by-hop; for a WebSocket handshake they are re-offered
            Headers.offerWebSocketUpgrade(request.headers());
        }
        if (requestHasBody) {
            guard.bodyStarted();
            if (!requestDone) {
                // the body is read (whole, or its first 64 KB) before the request asks for an origin
                // slot: a client trickling it (slow POST) holds a connection here, never a slot
                bufferingBody = true;
                if (HttpUtil.is100ContinueExpected(request)) {
                    // the client waits for a go-ahead before sending the body: Rampart gives it, as
                    // nginx does when it buffers; the origin then gets the whole body, no Expect
                    HttpUtil.set100ContinueExpected(request, false);
                    ctx.writeAndFlush(new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.CONTINUE,
                            Unpooled.EMPTY_BUFFER), ctx.voidPromise());
                }
                return;
            }
            // hold the body until the origin connection is ready (bounds the pending queue)
            ctx.channel().config().setAutoRead(false);
        }
        // A body-less request keeps reading on: toggling auto-read costs two epoll_ctl calls per
        // request, and whatever a client pipelines lands in the inbox, which pauses reading itself.
        admitThenConnect();
    }

    /**
     * A request body is read up to this much (whole, if smaller) before the request is admitted,
     * like nginx's request buffering but bounded per connection; a larger body streams after that.
     */
    private static final long BUFFERED_BODY_BYTES = 64 * 1024;

    /** A GET offering {@code Upgrade: websocket} with {@code Connection: upgrade}; other upgrades (h2c) are stripped. */
    private static boolean isWebSocketUpgrade(HttpRequest req) {
        return req.method() == HttpMethod.GET
                && req.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)
                && req.headers().containsValue(HttpHeaderNames.CONNECTION, HttpHeaderValues.UPGRADE, true);
    }

    private static boolean isIdempotent(HttpMethod m) {
        return m == HttpMethod.GET || m == HttpMethod.HEAD || m == HttpMethod.OPTIONS
                || m == HttpMethod.PUT || m == HttpMethod.DELETE;
    }

    private void connect() {
        attempts++;
        upstream = site.upstreams().pick(rt.ticker.getAsLong(), failedUpstream);
        BackendHandler pooled = rt.pool.acquire(upstream);
        if (pooled != null) {
            attach(pooled);
        } else {
            open(upstream);
        }
    }

    private void open(Upstream to) {
        int id = exchangeId;
        BackendHandler handler = rt.pool.connect(ctx.channel().eventLoop(), to, rt.upstreamConnectMillis);
        handler.connectFuture().addListener((ChannelFutureListener) f -> {
            if (id != exchangeId || state != State.EXCHANGE || !ctx.channel().isActive()) {
                f.channel().close(); // the client left or the exchange ended meanwhile
                return;
            }
            if (f.isSuccess()) {
                to.markUp();
                attach(handler);
            } else {
                onConnectFailed(f.cause());
            }
        });
    }

    private void attach(BackendHandler b) {
        backend = b;
        b.attach(this);
        Channel bc = b.channel();
        bc.config().setAutoRead(true);
        bc.write(request, bc.voidPromise());
        if (pending != null) {
            HttpContent c;
            while ((c = pending.poll()) != null) {
                bc.write(c, bc.voidPromise());
            }
        }
        bc.flush();
        ex.sentNanos = rt.ticker.getAsLong();
        if (requestDone) {
            startResponseTimer();
        }
        updateReading();
    }

    private void onConnectFailed(Throwable cause) {
        boolean timedOut = cause instanceof ConnectTimeoutException;
        rt.metrics.upstreamError(siteIndex, timedOut ? UpstreamError.CONNECT_TIMEOUT : UpstreamError.REFUSED);
        site.recorder().originFailed(standing.known());
        upstream.markDown(rt.ticker.getAsLong(), rt.upstreamDownNanos);
        LOG.debug("origin {} unreachable: {}", upstream, cause.toString());
        if (attempts < site.upstreams().size()) {
            failedUpstream = upstream;
            connect(); // nothing reached the origin: always safe to try the next one
            return;
        }
        releaseSlot(-1, true);
        abortExchange(timedOut ? 504 : 502);
    }

    private void startResponseTimer() {
        responseDeadline.arm(System.nanoTime() + rt.upstreamResponseNanos); // LazyDeadline runs on System.nanoTime
    }

    private void onResponseTimeout() {
        if (state == State.EXCHANGE && !responseStarted) {
            rt.metrics.upstreamError(siteIndex, UpstreamError.RESPONSE_TIMEOUT);
            site.recorder().originFailed(standing.known());
            releaseSlot(-1, true);
            abortExchange(504);
        }
    }

    private void cancelTimer() {
        responseDeadline.disarm();
        if (timer != null) {
            timer.cancel(false);
            timer = null;
        }
    }

    /**
     * Ends the exchange early with {@code code} (or a close if the response already began). A
     * request whose body did not finish is answered with {@code Connection: close}.
     */
    private void abortExchange(int code) {
        cancelTimer();
        releaseSlot(-1, false);
        releasePending();
        BackendHandler b = backend;
        backend = null;
        if (b != null) {
            b.detach(false);
        }
        capture = null;
        landFlight();
        if (fallback != null && !responseStarted && !informational && code >= 500 && ctx.channel().isActive()) {
            // the origin failed (or has no slot): a stale copy or a snapshot beats an error page
            CachedResponse f = fallback;
            fallback = null;
            decision.clear();
            serveStored(f, f.snapshot() ? "snapshot" : "stale-if-error");
            return;
        }
        if (responseStarted || informational) {
            log(false);
            endExchange();
            closeNow();
            return;
        }
        answer(code, !requestDone);
    }

    // ---------------------------------------------------------------- origin's response (from BackendHandler)

    void onResponseHead(HttpResponse res) {
        if (state != State.EXCHANGE) {
            return;
        }
        int code = res.status().code();
        if (res.status().codeClass() == HttpStatusClass.INFORMATIONAL) {
            if (code == 101) {
                if (upgradeRequested && res.headers().containsValue(HttpHeaderNames.UPGRADE, HttpHeaderValues.WEBSOCKET, true)) {
                    acceptUpgrade(res);
                } else {
                    // only WebSocket upgrades are offered to origins: switching to anything else is broken
                    rt.metrics.upstreamError(siteIndex, UpstreamError.RESET);
                    abortExchange(502);
                }
                return;
            }
            informational = true;
            Headers.removeHopByHop(res.headers());
            res.setProtocolVersion(HttpVersion.HTTP_1_1);
            ctx.write(res, ctx.voidPromise());
            return;
        }
        cancelTimer();
        responseStarted = true;
        ex.status = code;
        ex.upstreamNanos = rt.ticker.getAsLong() - ex.sentNanos;
        releaseSlot(ex.upstreamNanos, code == 503);
        site.recorder().originAnswered(code, ex.upstreamNanos, standing.known());
        if (code >= 500 && fallback != null) {
            swallowing = true; // read the origin's error to its end, then serve the stale copy or snapshot
            rt.metrics.upstreamLatency(siteIndex, ex.upstreamNanos);
            return;
        }
        rt.metrics.upstreamLatency(siteIndex, ex.upstreamNanos);
        rt.metrics.response(siteIndex, code);
        io.netty.handler.codec.http.HttpHeaders h = res.headers();
        boolean hasLength = h.contains(HttpHeaderNames.CONTENT_LENGTH);
        boolean chunked = HttpUtil.isTransferEncodingChunked(res);
        backendKeepAlive = HttpUtil.isKeepAlive(res);
        Headers.removeHopByHop(h);
        boolean mayHaveBody = !(code == 204 || code == 304 || request.method() == HttpMethod.HEAD);
        if (!hasLength && !chunked && mayHaveBody) {
            backendKeepAlive = false; // the origin ends this body by closing
            if (clientVersion.minorVersion() == 1) {
                HttpUtil.setTransferEncodingChunked(res, true);
            } else {
                clientKeepAlive = false;
            }
        } else if (chunked && clientVersion.minorVersion() == 0) {
            h.remove(HttpHeaderNames.TRANSFER_ENCODING); // HTTP/1.0 has no chunked: end by closing
            clientKeepAlive = false;
        }
        if (!clientKeepAlive || rt.draining) {
            clientKeepAlive = false;
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        } else if (clientVersion.minorVersion() == 0) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
        }
        if (shieldKey != null) {
            capture = rt.shield.capture(shieldKey, request, res);
            if (capture == null) {
                if (!shieldPassing) {
                    rt.shield.markPass(shieldKey);
                }
                landFlight(); // not storable: whoever waits goes to the origin now
            }
        }
        h.add(HttpHeaderNames.VIA, Headers.VIA_VALUE);
        h.set(Headers.X_RAMPART_REF, ex.refText());
        String hsts = site.https().hsts();
        if (hsts != null && "https".equals(scheme)) {
            h.set("strict-transport-security", hsts);
        }
        if (standing.setCookie() != null) {
            // a challenge solved on this request: its clearance rides on the origin's response
            h.add(HttpHeaderNames.SET_COOKIE, standing.setCookie());
            h.add(HttpHeaderNames.SET_COOKIE, Gatekeeper.expireSolutionCookie());
        }
        res.setProtocolVersion(HttpVersion.HTTP_1_1);
        ctx.write(res, ctx.voidPromise());
    }

    /** The origin accepted a WebSocket upgrade: relay its 101, then (at its end) become a tunnel. */
    private void acceptUpgrade(HttpResponse res) {
        cancelTimer();
        upgrading = true;
        responseStarted = true;
        ex.status = 101;
        ex.upstreamNanos = rt.ticker.getAsLong() - ex.sentNanos;
        releaseSlot(-1, false); // a WebSocket lives long and costs the origin little: it holds no slot
        landFlight();
        rt.metrics.upstreamLatency(siteIndex, ex.upstreamNanos);
        rt.metrics.response(siteIndex, 101);
        Headers.removeHopByHop(res.headers());
        Headers.offerWebSocketUpgrade(res.headers());
        res.headers().add(HttpHeaderNames.VIA, Headers.VIA_VALUE);
        res.headers().set(Headers.X_RAMPART_REF, ex.refText());
        ctx.write(res, ctx.voidPromise());
    }

    void onResponseContent(HttpContent c) {
        if (state != State.EXCHANGE) {
            c.release();
            return;
        }
        boolean last = c instanceof LastHttpContent;
        if (upgrading) {
            ctx.writeAndFlush(c, ctx.voidPromise());
            if (last) {
                BackendHandler b = backend;
                backend = null;
                log(false);
                endExchange();
                state = State.CLOSING; // this handler is done; the tunnel takes the connection
                releaseInbox();
                Tunnel.open(ctx.channel(), b.channel(), rt.tunnelIdleNanos);
            }
            return;
        }
        if (informational) {
            ctx.write(c, ctx.voidPromise());
            if (last) {
                informational = false;
            }
            return;
        }
        if (swallowing) {
            c.release();
            if (last) {
                swallowing = false;
                BackendHandler b = backend;
                backend = null;
                cancelTimer();
                b.detach(false);
                landFlight();
                CachedResponse f = fallback;
                fallback = null;
                serveStored(f, f.snapshot() ? "snapshot" : "stale-if-error");
            }
            return;
        }
        if (capture != null && !capture.append(c.content())) {
            capture = null; // too large to keep
            landFlight();
        }
        ex.bytesOut += c.content().readableBytes();
        if (!last) {
            ctx.write(c, ctx.voidPromise());
            if (!ctx.channel().isWritable() && backend != null) {
                backend.channel().config().setAutoRead(false);
            }
            return;
        }
        BackendHandler b = backend;
        backend = null;
        cancelTimer();
        b.detach(backendKeepAlive && requestDone);
        if (capture != null) {
            rt.shield.store(capture);
            capture = null;
        }
        landFlight();
        log(false);
        endExchange();
        if (clientKeepAlive && requestDone && !rt.draining) {
            ctx.writeAndFlush(c, ctx.voidPromise());
            goIdle();
        } else {
            // the origin answered before the body ended (its end is unknown), or the client asked to close
            state = State.CLOSING;
            ctx.channel().config().setAutoRead(false);
            ctx.writeAndFlush(c).addListener(ChannelFutureListener.CLOSE);
        }
    }

    void flushToClient() {
        ctx.flush();
    }

    void onBackendWritabilityChanged(boolean writable) {
        if (state == State.EXCHANGE) {
            updateReading();
        }
    }

    /** The origin connection closed or broke during the exchange. */
    void onBackendFailed(BackendHandler b, boolean badResponse) {
        if (b != backend || state != State.EXCHANGE) {
            return;
        }
        backend = null;
        cancelTimer();
        if (!responseStarted && !informational && !badResponse && b.reused() && replayable && attempts < 3) {
            // a pooled connection the origin had closed while idle: the request never reached it
            LOG.debug("stale pooled connection to {}, retrying", upstream);
            attempts++;
            Upstream u = upstream;
            if (requestDone) {
                pending = new ArrayDeque<>(1);
                pending.add(LastHttpContent.EMPTY_LAST_CONTENT);
            }
            open(u);
            return;
        }
        rt.metrics.upstreamError(siteIndex, UpstreamError.RESET);
        abortExchange(502);
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) throws Exception {
        BackendHandler b = backend;
        if (b != null) {
            b.channel().config().setAutoRead(ctx.channel().isWritable());
        }
        super.channelWritabilityChanged(ctx);
    }

    // ---------------------------------------------------------------- slow clients, errors, close

    @Override
    public void userEventTriggered(ChannelHandlerContext ctx, Object evt) throws Exception {
        if (!(evt instanceof SlowClientEvent)) {
            super.userEventTriggered(ctx, evt);
            return;
        }
        switch ((SlowClientEvent) evt) {
            case HEAD_TIMEOUT:
                rt.metrics.slowClient(SlowKind.HEAD);
                if (state == State.IDLE) {
                    startSyntheticExchange();
                    answer(408, true);
                } else {
                    closeNow();
                }
                break;
            case IDLE_TIMEOUT:
                rt.metrics.slowClient(SlowKind.IDLE);
                if (state == State.IDLE) {
                    closeNow();
                }
                break;
            case BODY_TOO_SLOW:
                rt.metrics.slowClient(SlowKind.BODY);
                if (state == State.EXCHANGE) {
                    abortExchange(408);
                } else {
                    closeNow();
                }
                break;
            case WRITE_TIMEOUT:
                rt.metrics.slowClient(SlowKind.WRITE);
                closeNow();
                break;
            case OBS_FOLD:
                startSyntheticExchange();
                protocolError(400);
                break;
            default:
                closeNow();
        }
    }

    /** An answer that no decoded request stands behind (a timeout, a refused head). */
    private void startSyntheticExchange() {
        exchangeId++;
        request = null;
        ex.begin(rt.ticker.getAsLong(), peer, "-", "-");
        requestHasBody = false;
        declaredBodyLength = 0;
        requestDone = true;
        decision.clear();
        site = null;
        siteIndex = rt.unroutedIndex();
    }

    /** Whether this connection works under {@code runtime} (a reload retires the connections of the old one). */
    boolean runsOn(GatewayRuntime runtime) {
        return rt == runtime;
    }

    /** The gateway is stopping or reloading: an idle connection closes now, a busy one after its response. */
    void drain() {
        if (state == State.IDLE && inbox.isEmpty()) {
            closeNow();
        }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
        LOG.debug("ex.client connection from {} failed: {}", peer, cause.toString());
        if (cause instanceof Http2Exception) {
            return; // an HTTP/2 stream error: the multiplexer resets the stream with the error's code and closes this channel
        }
        closeNow();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) throws Exception {
        cancelTimer();
        responseDeadline.cancel();
        AdmissionGate g = gate;
        if (g != null) {
            g.cancel(ticket);
            releaseSlot(-1, false);
        }
        capture = null;
        landFlight();
        BackendHandler b = backend;
        backend = null;
        if (b != null) {
            b.detach(false);
        }
        releasePending();
        releaseInbox();
        if (counted) {
            if (ex.status == 0 && state == State.EXCHANGE) {
                log(false); // client went away mid-exchange: logged with status 0
            }
            endExchange();
        }
        state = State.CLOSING;
        super.channelInactive(ctx);
    }

    private void closeNow() {
        state = State.CLOSING;
        ctx.channel().config().setAutoRead(false);
        ctx.close();
    }

    private void endExchange() {
        if (counted) {
            counted = false;
            rt.inFlight.decrementAndGet();
        }
    }

    private void releasePending() {
        if (pending != null) {
            HttpContent c;
            while ((c = pending.poll()) != null) {
                c.release();
            }
        }
    }

    private void releaseInbox() {
        Object o;
        while ((o = inbox.poll()) != null) {
            ReferenceCountUtil.release(o);
        }
    }

    // ---------------------------------------------------------------- access log

    private void log(boolean rejected) {
        rt.refs.record(ex.ref, System.currentTimeMillis(), ex.status, site == null ? null : site.name(), decision.verdict(),
                decision.reason(), decision.rule(), ex.client, ex.method, ex.target, prints, ex.headerPrint);
        if (site != null) {
            site.recorder().responded(ex.bytesOut, standing.known(), rt.bulkResponseBytes, ex.client, ex.target, ex.status);
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
        ex.appendJson(sb, site == null ? null : site.name(), decision, upstream, request, rt.ticker.getAsLong(), prints);
        log.submit(sb.toString());
    }
}

package io.rampart.shield;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.rampart.config.ShieldConfig;
import java.util.ArrayList;
import java.util.Locale;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * The shield's store and its coalescing of concurrent misses.
 *
 * <p>Design note: two Caffeine maps. The <em>vary index</em> maps a key to the request headers its
 * origin said the response varies on ({@code Vary}); the <em>entries</em> map the key plus those
 * headers' values to a {@link CachedResponse}, bounded by total bytes (W-TinyLFU keeps popular
 * pages when a flood of one-off URLs passes through). Only anonymous {@code GET}/{@code HEAD}
 * requests (no {@code Authorization}, no cookie of the site's) are looked up or stored, and only
 * responses that allow it explicitly and set no cookie are stored. Concurrent misses for one key
 * form a <em>flight</em>: the first request goes to the origin, the others wait for it and are
 * then served from the store (or, if the response was not storable, go to the origin
 * themselves). So a thousand identical requests cost one origin fetch.
 */
public final class Shield {
    /** Status codes stored when the origin allows (RFC 9111 §4.2.2's heuristically cacheable set, minus partial content). */
    private static final int[] STORABLE = {200, 203, 204, 300, 301, 308, 404, 405, 410, 414, 501};
    /** At most this many requests wait on one flight; later ones go to the origin (via admission). */
    static final int MAX_FOLLOWERS = 10_000;
    /** How long a key whose response was not storable goes straight to the origin, uncoalesced. */
    static final long PASS_SECONDS = 10;
    private static final DefaultHttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    private final CacheKeys keys;
    private final ShieldConfig.RandomParams randomParams;
    private final int maxObject;
    private final long graceNanos;
    private final LongSupplier ticker;
    private final Cache<String, String[]> varyIndex;
    private final Cache<String, CachedResponse> entries;
    private final ConcurrentHashMap<String, ArrayList<Runnable>> flights = new ConcurrentHashMap<>();
    /** Keys whose last response could not be stored: not coalesced for a while (Varnish's hit-for-pass). */
    private final Cache<String, Boolean> passes;

    public Shield(ShieldConfig config, LongSupplier ticker) {
        this.keys = new CacheKeys(config.ignoreParams());
        this.randomParams = config.randomParams();
        this.maxObject = (int) Math.min(Integer.MAX_VALUE - 16, config.maxObjectSize().bytes());
        this.graceNanos = config.grace().toNanos();
        this.ticker = ticker;
        this.varyIndex = Caffeine.newBuilder().maximumSize(200_000).build();
        this.passes = Caffeine.newBuilder().maximumSize(100_000)
                .expireAfterWrite(java.time.Duration.ofSeconds(PASS_SECONDS)).ticker(ticker::getAsLong).build();
        this.entries = Caffeine.newBuilder()
                .maximumWeight(config.maxSize().bytes())
                .weigher((String k, CachedResponse v) -> v.weight())
                .build();
    }

    /** Whether this request may be answered by (and fill) the shield: an anonymous, plain GET or HEAD. */
    public static boolean eligible(HttpRequest req) {
        HttpMethod m = req.method();
        HttpHeaders h = req.headers();
        return (m == HttpMethod.GET || m == HttpMethod.HEAD)
                && !h.contains(HttpHeaderNames.AUTHORIZATION)
                && !h.contains(HttpHeaderNames.COOKIE)
                && !h.contains(HttpHeaderNames.RANGE)
                && !h.contains(HttpHeaderNames.UPGRADE)
                && !HttpUtil.isTransferEncodingChunked(req)
                && HttpUtil.getContentLength(req, 0L) == 0;
    }

    /** The key of a request; {@code pressured}: the site's origin slots are all taken right now. */
    public String key(String host, String target, boolean pressured) {
        boolean dropRandom = randomParams == ShieldConfig.RandomParams.ALWAYS
                || pressured && randomParams == ShieldConfig.RandomParams.UNDER_PRESSURE;
        return keys.of(host, target, dropRandom);
    }

    /** The stored response for this key and request (fresh or not), or {@code null}. */
    public CachedResponse find(String key, HttpHeaders request) {
        String[] vary = varyIndex.getIfPresent(key);
        if (vary == null) {
            return null;
        }
        return entries.getIfPresent(fullKey(key, vary, request));
    }

    /** What a stored response is good for at {@code now}. */
    public enum Use {
        /** Serve it. */
        FRESH,
        /** Serve it, and refresh it in the background (stale-while-revalidate, or grace under pressure). */
        STALE_REVALIDATE,
        /** Go to the origin; keep it in case the origin fails ({@link #usableOnError}). */
        STALE
    }

    /**
     * What {@code r} is good for at {@code now}; {@code pressured}: the site's origins are saturated,
     * so a page within its grace is served stale rather than queued for the origin.
     */
    public Use use(CachedResponse r, long now, boolean pressured) {
        return r.fresh(now) ? Use.FRESH : r.revalidatable(now, pressured, graceNanos) ? Use.STALE_REVALIDATE : Use.STALE;
    }

    /** Whether {@code r} may stand in for a failed origin: {@code stale-if-error}, or the configured grace. */
    public boolean usableOnError(CachedResponse r, long now) {
        return r.snapshot() || r.usableOnError(now, graceNanos);
    }

    /**
     * Starts copying a response for {@code key}, or returns {@code null} when it must not be stored:
     * wrong status, no explicit freshness, a cookie set, {@code Vary: *}, or too large.
     */
    public Capture capture(String key, HttpRequest request, HttpResponse response) {
        if (request.method() != HttpMethod.GET) {
            return null;
        }
        HttpHeaders h = response.headers();
        if (!storableStatus(response.status().code()) || h.contains(HttpHeaderNames.SET_COOKIE)) {
            return null;
        }
        Freshness f = Freshness.of(h);
        if (f == null) {
            return null;
        }
        String[] vary = varyNames(h);
        if (vary == null) {
            return null;
        }
        long length = HttpUtil.getContentLength(response, -1L);
        if (length > maxObject) {
            return null;
        }
        HttpHeaders kept = HEADERS.newHeaders();
        kept.add(h);
        return new Capture(fullKey(key, vary, request.headers()), key, response.status().code(), kept, f, vary, maxObject,
                length < 0 ? 4096 : (int) length);
    }

    /** Stores a finished capture. */
    public void store(Capture c) {
        if (c.abandoned()) {
            return;
        }
        CachedResponse r = c.finish(ticker.getAsLong());
        varyIndex.put(c.key(), r.varyNames);
        entries.put(c.fullKey(), r);
        passes.invalidate(c.key());
        keys.learn(c.key());
    }

    private static boolean storableStatus(int code) {
        for (int s : STORABLE) {
            if (s == code) {
                return true;
            }
        }
        return false;
    }

    /** Lower-case names from {@code Vary}; {@code null} for {@code Vary: *}. */
    private static String[] varyNames(HttpHeaders h) {
        String v = h.get(HttpHeaderNames.VARY);
        if (v == null || v.isBlank()) {
            return new String[0];
        }
        ArrayList<String> names = new ArrayList<>();
        for (String n : v.split(",")) {
            String t = n.trim().toLowerCase(Locale.ROOT);
            if (t.equals("*")) {
                return null;
            }
            if (!t.isEmpty() && !names.contains(t)) {
                names.add(t);
            }
        }
        names.sort(null);
        return names.toArray(new String[0]);
    }

    private static String fullKey(String key, String[] vary, HttpHeaders request) {
        if (vary.length == 0) {
            return key;
        }
        StringBuilder sb = new StringBuilder(key);
        for (String n : vary) {
            String v = request.get(n);
            sb.append('\n').append(n).append('=').append(v == null ? "" : v);
        }
        return sb.toString();
    }

    // ---------------------------------------------------------------- coalescing

    /** The last response for {@code key} could not be stored: requests for it skip coalescing for a while. */
    public void markPass(String key) {
        passes.put(key, Boolean.TRUE);
    }

    /** Whether requests for {@code key} go straight to the origin (see {@link #markPass}). */
    public boolean passes(String key) {
        return passes.getIfPresent(key) != null;
    }

    /** Takes the lead for {@code key}: true if no fetch is in flight for it (then call {@link #land}). */
    public boolean lead(String key) {
        return flights.putIfAbsent(key, new ArrayList<>(4)) == null;
    }

    /** Waits on the flight for {@code key}; false if there is none (or it is full): go to the origin. */
    public boolean follow(String key, Runnable wake) {
        boolean[] joined = {false};
        flights.computeIfPresent(key, (k, waiters) -> {
            if (waiters.size() < MAX_FOLLOWERS) {
                waiters.add(wake);
                joined[0] = true;
            }
            return waiters;
        });
        return joined[0];
    }

    /** The flight for {@code key} is over (stored or not): wakes everyone who waited on it. */
    public void land(String key) {
        ArrayList<Runnable> waiters = flights.remove(key);
        if (waiters != null) {
            for (Runnable r : waiters) {
                try {
                    r.run();
                } catch (RuntimeException e) {
                    // a waiter's event loop is shutting down (the gateway is stopping): the others still wake
                }
            }
        }
    }

    /** Flights in progress, for metrics. */
    public int flights() {
        return flights.size();
    }

    /** Bytes held, for metrics. */
    public long weightedSize() {
        return entries.policy().eviction().map(e -> e.weightedSize().orElse(0L)).orElse(0L);
    }

    /** Puts a response in the store directly (snapshots use their own map; tests use this). */
    void put(String key, CachedResponse r) {
        varyIndex.put(key, r.varyNames);
        entries.put(key, r);
    }
}

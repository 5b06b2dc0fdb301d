package io.rampart.shield;

import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * "Always online": the last good copy of each site's key pages (configured per site), fetched
 * again every interval and served, marked as such, while the origin is down — unreachable, timing
 * out or answering {@code 5xx} — and no stale cached copy is allowed. Held in memory: a restart
 * during an outage starts without them.
 */
public final class Snapshots {
    private static final DefaultHttpHeadersFactory HEADERS = DefaultHttpHeadersFactory.headersFactory().withValidation(false);
    private static final Freshness FOREVER = new Freshness(0, 0, Long.MAX_VALUE / 4);

    private final ConcurrentHashMap<String, CachedResponse> pages = new ConcurrentHashMap<>();
    private final LongSupplier ticker;

    public Snapshots(LongSupplier ticker) {
        this.ticker = ticker;
    }

    /** Keeps {@code res} as the snapshot of {@code path} on site {@code site} if it is a good page (2xx, no cookie). */
    public void offer(int site, String path, FullHttpResponse res) {
        int code = res.status().code();
        if (code < 200 || code > 299 || res.headers().contains(HttpHeaderNames.SET_COOKIE)) {
            return;
        }
        HttpHeaders kept = HEADERS.newHeaders();
        kept.add(res.headers());
        kept.remove(HttpHeaderNames.CONNECTION).remove(HttpHeaderNames.TRANSFER_ENCODING).remove("keep-alive");
        byte[] body = new byte[res.content().readableBytes()];
        res.content().getBytes(res.content().readerIndex(), body);
        kept.setInt(HttpHeaderNames.CONTENT_LENGTH, body.length);
        pages.put(site + " " + path, new CachedResponse(code, kept, body, ticker.getAsLong(), FOREVER, new String[0], true));
    }

    /** The snapshot for a request path on a site, or {@code null}. */
    public CachedResponse get(int site, String path) {
        return pages.isEmpty() ? null : pages.get(site + " " + path);
    }

    /** No snapshot is held (checked before building a lookup key). */
    public boolean isEmpty() {
        return pages.isEmpty();
    }

    public int size() {
        return pages.size();
    }
}

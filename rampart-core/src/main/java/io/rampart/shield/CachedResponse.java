package io.rampart.shield;

import io.netty.handler.codec.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One stored response: status, end-to-end headers, body, and when it was stored. Immutable; the
 * body array is shared by every response served from it (wrapped, never copied).
 */
public final class CachedResponse {
    final int status;
    final String[] headerNames;
    final String[] headerValues;
    final byte[] body;
    final long storedNanos;
    final Freshness freshness;
    final String[] varyNames;
    private final boolean snapshot;

    CachedResponse(int status, HttpHeaders headers, byte[] body, long storedNanos, Freshness freshness, String[] varyNames,
                   boolean snapshot) {
        this.snapshot = snapshot;
        this.status = status;
        List<String> names = new ArrayList<>();
        List<String> values = new ArrayList<>();
        for (Map.Entry<String, String> e : headers) {
            names.add(e.getKey());
            values.add(e.getValue());
        }
        this.headerNames = names.toArray(new String[0]);
        this.headerValues = values.toArray(new String[0]);
        this.body = body;
        this.storedNanos = storedNanos;
        this.freshness = freshness;
        this.varyNames = varyNames;
    }

    /** A snapshot of a key page (served only while the origin is down), not a cached response. */
    public boolean snapshot() {
        return snapshot;
    }

    public int status() {
        return status;
    }

    public byte[] body() {
        return body;
    }

    /** Copies the stored headers into {@code into}. */
    public void copyHeaders(HttpHeaders into) {
        for (int i = 0; i < headerNames.length; i++) {
            into.add(headerNames[i], headerValues[i]);
        }
    }

    /** Whole seconds since it was stored, for the {@code Age} header. */
    public long ageSeconds(long now) {
        return Math.max(0, (now - storedNanos) / 1_000_000_000L);
    }

    boolean fresh(long now) {
        return now - storedNanos < freshness.ttlNanos();
    }

    /** Within {@code stale-while-revalidate}, or within {@code grace} when {@code pressured}. */
    boolean revalidatable(long now, boolean pressured, long graceNanos) {
        long extra = pressured ? Math.max(freshness.swrNanos(), graceNanos) : freshness.swrNanos();
        return now - storedNanos < freshness.ttlNanos() + extra;
    }

    /** Still usable when the origin fails: within {@code stale-if-error} or the shield's grace. */
    boolean usableOnError(long now, long graceNanos) {
        return now - storedNanos < freshness.ttlNanos() + Math.max(freshness.sieNanos(), graceNanos);
    }

    /** Bytes it holds, roughly, for the cache's memory bound. */
    int weight() {
        int w = 64 + body.length;
        for (int i = 0; i < headerNames.length; i++) {
            w += 48 + headerNames[i].length() + headerValues[i].length();
        }
        return w;
    }
}

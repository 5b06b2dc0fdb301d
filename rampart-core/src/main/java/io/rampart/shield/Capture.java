package io.rampart.shield;

import io.netty.buffer.ByteBuf;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.Arrays;

/**
 * A response being copied into the shield as it streams to the client. The copy stops (and the
 * response is simply not stored) as soon as the body outgrows the object limit, so a large
 * download costs nothing but the headers.
 */
public final class Capture {
    private final String fullKey;
    private final String key;
    private final int status;
    private final HttpHeaders headers;
    private final Freshness freshness;
    private final String[] varyNames;
    private final int max;
    private byte[] buf;
    private int size;
    private boolean abandoned;

    Capture(String fullKey, String key, int status, HttpHeaders headers, Freshness freshness, String[] varyNames, int max,
            int expected) {
        this.fullKey = fullKey;
        this.key = key;
        this.status = status;
        this.headers = headers;
        this.freshness = freshness;
        this.varyNames = varyNames;
        this.max = max;
        this.buf = new byte[Math.max(256, Math.min(max, expected))];
    }

    public String key() {
        return key;
    }

    String fullKey() {
        return fullKey;
    }

    /** Copies a body piece; false once the body is too large to keep. */
    public boolean append(ByteBuf content) {
        if (abandoned) {
            return false;
        }
        int n = content.readableBytes();
        if (size + n > max) {
            abandoned = true;
            buf = null;
            return false;
        }
        if (size + n > buf.length) {
            buf = Arrays.copyOf(buf, Math.min(max, Math.max(size + n, buf.length * 2)));
        }
        content.getBytes(content.readerIndex(), buf, size, n);
        size += n;
        return true;
    }

    boolean abandoned() {
        return abandoned;
    }

    CachedResponse finish(long now) {
        return new CachedResponse(status, headers, size == buf.length ? buf : Arrays.copyOf(buf, size), now, freshness, varyNames, false);
    }
}

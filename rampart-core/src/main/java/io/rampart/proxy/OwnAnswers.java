package io.rampart.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.util.AsciiString;
import io.rampart.challenge.Gatekeeper;
import io.rampart.shield.CachedResponse;
import java.nio.charset.StandardCharsets;

/**
 * Builds Rampart's own answers other than error pages: the challenge page and its scripts, the
 * redirects of the no-JavaScript pass, and responses served from the shield. Pure builders: the
 * caller decides keep-alive and sends.
 */
final class OwnAnswers {
    static final AsciiString CHALLENGE_HEADER = AsciiString.cached("x-rampart-challenge");
    static final AsciiString CACHE_HEADER = AsciiString.cached("x-rampart-cache");
    static final AsciiString HTML = AsciiString.cached("text/html; charset=utf-8");
    static final AsciiString JSON = AsciiString.cached("application/json; charset=utf-8");
    static final AsciiString JAVASCRIPT = AsciiString.cached("text/javascript; charset=utf-8");
    /** Our own header values and stored origin headers were validated once; no per-response validation. */
    private static final DefaultHttpHeadersFactory TRUSTED = DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    private OwnAnswers() {
    }

    /** A complete response with {@code body}, the reference id and, unless {@code keep}, {@code Connection: close}. */
    static FullHttpResponse of(HttpResponseStatus status, CharSequence type, byte[] body, CharSequence ref, boolean keep) {
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, status, Unpooled.wrappedBuffer(body));
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, type)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(Headers.X_RAMPART_REF, ref);
        if (!keep) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return res;
    }

    /** The challenge: the HTML page, or its JSON form; never stored by anyone. */
    static FullHttpResponse challenge(String body, boolean json, CharSequence ref, boolean keep) {
        FullHttpResponse res = of(HttpResponseStatus.FORBIDDEN, json ? JSON : HTML, body.getBytes(StandardCharsets.UTF_8), ref, keep);
        res.headers().set(CHALLENGE_HEADER, "pow").set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return res;
    }

    /** One of the challenge's static scripts, cacheable by browsers for a day. */
    static FullHttpResponse script(byte[] js, CharSequence ref, boolean keep) {
        FullHttpResponse res = of(HttpResponseStatus.OK, JAVASCRIPT, js, ref, keep);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "public, max-age=86400");
        return res;
    }

    /** {@code 303} to a local path, optionally setting a cookie. */
    static FullHttpResponse redirect(String location, String setCookie, CharSequence ref, boolean keep) {
        FullHttpResponse res = of(HttpResponseStatus.SEE_OTHER, HTML, new byte[0], ref, keep);
        res.headers().set(HttpHeaderNames.LOCATION, location).set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        if (setCookie != null) {
            res.headers().add(HttpHeaderNames.SET_COOKIE, setCookie);
        }
        return res;
    }

    /** The page for a browser that passed the check without JavaScript but refused the cookie. */
    static FullHttpResponse cookiesRefused(String html, CharSequence ref, boolean keep) {
        FullHttpResponse res = of(HttpResponseStatus.FORBIDDEN, HTML, html.getBytes(StandardCharsets.UTF_8), ref, keep);
        res.headers().set(HttpHeaderNames.CACHE_CONTROL, "no-store");
        return res;
    }

    /**
     * A response from the shield: the stored status, headers and (unless {@code head}) body, with
     * {@code Age}, {@code X-Rampart-Cache: result}, {@code Via}, the reference id, and a new
     * clearance when this request just earned one.
     */
    static FullHttpResponse stored(CachedResponse stored, boolean head, long now, String result, String setCookie,
                                   CharSequence ref, boolean keep) {
        byte[] body = stored.body();
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(stored.status()),
                head ? Unpooled.EMPTY_BUFFER : Unpooled.wrappedBuffer(body), TRUSTED, TRUSTED);
        HttpHeaders h = res.headers();
        stored.copyHeaders(h);
        h.remove(HttpHeaderNames.TRANSFER_ENCODING)
                .setInt(HttpHeaderNames.CONTENT_LENGTH, body.length)
                .set(HttpHeaderNames.AGE, stored.ageSeconds(now))
                .set(CACHE_HEADER, result)
                .add(HttpHeaderNames.VIA, Headers.VIA_VALUE)
                .set(Headers.X_RAMPART_REF, ref);
        if (setCookie != null) {
            h.add(HttpHeaderNames.SET_COOKIE, setCookie);
            h.add(HttpHeaderNames.SET_COOKIE, Gatekeeper.expireSolutionCookie());
        }
        if (!keep) {
            h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return res;
    }

    /** A path on this site, safe for a {@code Location} header: no scheme, no other host, printable ASCII only. */
    static boolean isLocalPath(String p) {
        if (p == null || p.isEmpty() || p.charAt(0) != '/' || p.startsWith("//") || p.startsWith("/\\") || p.length() > 4096) {
            return false;
        }
        for (int i = 0; i < p.length(); i++) {
            char ch = p.charAt(i);
            if (ch < 0x21 || ch > 0x7e) {
                return false;
            }
        }
        return true;
    }
}

package io.rampart.lab.load;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultFullHttpRequest;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpVersion;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/** The requests personas send, with the headers their real counterparts send. */
final class Requests {
    static final List<String> BROWSERS = List.of(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0",
            "Mozilla/5.0 (iPhone; CPU iPhone OS 18_0 like Mac OS X) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Mobile/15E148 Safari/604.1",
            "Mozilla/5.0 (Linux; Android 14; Pixel 8) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Mobile Safari/537.36");
    private static final char[] ALPHANUMERIC = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private Requests() {
    }

    /** A browser navigation or asset fetch, with the client's cookies. */
    static FullHttpRequest browser(String host, String uri, String userAgent, boolean page, Map<String, String> cookies) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri, Unpooled.EMPTY_BUFFER);
        HttpHeaders h = r.headers();
        h.set(HttpHeaderNames.HOST, host)
                .set(HttpHeaderNames.USER_AGENT, userAgent)
                .set(HttpHeaderNames.ACCEPT, page ? "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8" : "*/*")
                .set(HttpHeaderNames.ACCEPT_LANGUAGE, "en-GB,en;q=0.9")
                .set(HttpHeaderNames.ACCEPT_ENCODING, "gzip, deflate, br");
        cookieHeader(h, cookies);
        return r;
    }

    /** A browser form post. */
    static FullHttpRequest form(String host, String uri, String userAgent, String body, Map<String, String> cookies) {
        FullHttpRequest r = new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.POST, uri,
                Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII));
        HttpHeaders h = r.headers();
        h.set(HttpHeaderNames.HOST, host)
                .set(HttpHeaderNames.USER_AGENT, userAgent)
                .set(HttpHeaderNames.ACCEPT, "text/html,application/xhtml+xml,*/*;q=0.8")
                .set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")
                .set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        cookieHeader(h, cookies);
        return r;
    }

    /** A non-browser client (feed reader, API client, bot): few headers. */
    static FullHttpRequest plain(HttpMethod method, String host, String uri, String userAgent, String accept, String body) {
        FullHttpRequest r = body == null
                ? new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.EMPTY_BUFFER)
                : new DefaultFullHttpRequest(HttpVersion.HTTP_1_1, method, uri, Unpooled.copiedBuffer(body, StandardCharsets.US_ASCII));
        r.headers().set(HttpHeaderNames.HOST, host).set(HttpHeaderNames.USER_AGENT, userAgent).set(HttpHeaderNames.ACCEPT, accept);
        if (body != null) {
            r.headers().set(HttpHeaderNames.CONTENT_TYPE, "application/x-www-form-urlencoded")
                    .set(HttpHeaderNames.CONTENT_LENGTH, r.content().readableBytes());
        }
        return r;
    }

    /** Remembers the name=value of every Set-Cookie (attributes ignored). */
    static void keepCookies(HttpHeaders response, Map<String, String> jar) {
        for (String set : response.getAll(HttpHeaderNames.SET_COOKIE)) {
            int semi = set.indexOf(';');
            String pair = semi < 0 ? set : set.substring(0, semi);
            int eq = pair.indexOf('=');
            if (eq > 0) {
                jar.put(pair.substring(0, eq).trim(), pair.substring(eq + 1).trim());
            }
        }
    }

    static String random(SplittableRandom rnd, int length) {
        char[] c = new char[length];
        for (int i = 0; i < length; i++) {
            c[i] = ALPHANUMERIC[rnd.nextInt(ALPHANUMERIC.length)];
        }
        return new String(c);
    }

    /** Adds the client's cookies to a request built without them. */
    static void addCookies(FullHttpRequest r, Map<String, String> cookies) {
        cookieHeader(r.headers(), cookies);
    }

    private static void cookieHeader(HttpHeaders h, Map<String, String> cookies) {
        if (cookies == null || cookies.isEmpty()) {
            return;
        }
        StringBuilder b = new StringBuilder();
        cookies.forEach((k, v) -> b.append(b.length() == 0 ? "" : "; ").append(k).append('=').append(v));
        h.set(HttpHeaderNames.COOKIE, b.toString());
    }
}

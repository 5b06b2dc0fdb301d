package io.rampart.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.rampart.mitigate.RefIds;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Map;

/**
 * Rampart's own answers: short pages that say what happened, what to do, and the reference id —
 * HTML for people, JSON for clients that ask for it. Never a stack trace.
 *
 * <p>Each page is pre-rendered once as bytes with a 12-byte hole for the reference id (and, on 429
 * and 503, a 5-byte hole for the seconds to wait); sending one copies the bytes into a pooled buffer
 * and writes into the holes. No string formatting per response, so the rejection path stays cheap
 * under a flood.
 *
 * <p>A site's own set ({@link #forSite}) carries its name and its contact ({@code sites[].contact})
 * on every page; 429 and 503 say in words when to try again and count the seconds down (a few
 * lines of inline script; without script the number stays, which is still the answer). The
 * generic set answers requests that reached no site.
 */
final class ErrorResponses {
    private static final String REF_HOLE = "@@@@@@@@@@@@";
    /** Where the seconds to wait go, right-aligned in spaces: a number in HTML text and in JSON alike. */
    private static final String WAIT_HOLE = "#####";
    private static final int WAIT_MAX = 99_999;
    /** Counts the number in {@code #wait} down once a second and says so when it is time (no dependency, ~300 bytes). */
    private static final String COUNTDOWN = "<script>(function(){var e=document.getElementById('wait'),n=parseInt(e.textContent,10);"
            + "var t=setInterval(function(){n--;if(n>0){e.textContent=n;}else{clearInterval(t);"
            + "document.getElementById('when').textContent='You can reload the page now.';}},1000);})();</script>";

    private static final class Page {
        final byte[] html;
        final int htmlRefAt;
        final int htmlWaitAt;
        final byte[] json;
        final int jsonRefAt;
        final int jsonWaitAt;

        Page(String htmlText, String jsonText) {
            html = htmlText.getBytes(StandardCharsets.UTF_8);
            htmlRefAt = byteIndexOf(html, REF_HOLE);
            htmlWaitAt = indexOrMinus(html, WAIT_HOLE);
            json = jsonText.getBytes(StandardCharsets.UTF_8);
            jsonRefAt = byteIndexOf(json, REF_HOLE);
            jsonWaitAt = indexOrMinus(json, WAIT_HOLE);
        }

        private static int indexOrMinus(byte[] haystack, String needle) {
            try {
                return byteIndexOf(haystack, needle);
            } catch (IllegalStateException none) {
                return -1;
            }
        }

        /** A byte offset, not a char index: the pages hold multi-byte UTF-8 (the em dash). */
        private static int byteIndexOf(byte[] haystack, String needle) {
            byte[] n = needle.getBytes(StandardCharsets.US_ASCII);
            outer:
            for (int i = 0; i <= haystack.length - n.length; i++) {
                for (int j = 0; j < n.length; j++) {
                    if (haystack[i + j] != n[j]) {
                        continue outer;
                    }
                }
                return i;
            }
            throw new IllegalStateException("no " + needle + " hole in page");
        }
    }

    private static final DefaultHttpHeadersFactory OWN_HEADERS =
            DefaultHttpHeadersFactory.headersFactory().withValidation(false);

    private final Map<Integer, Page> pages = new HashMap<>();
    /** The site's name and contact, HTML-escaped once ({@code null}: the generic set). */
    private final String siteHtml;
    private final String contactHtml;
    private final String siteJson;
    private final String contactJson;

    /** The generic set, for requests that reached no site. */
    ErrorResponses() {
        this(null, null);
    }

    /** The pages of the site visitors know as {@code title}, naming {@code contact} when there is one. */
    static ErrorResponses forSite(String title, String contact) {
        return new ErrorResponses(title, contact);
    }

    private ErrorResponses(String title, String contact) {
        this.siteHtml = title == null ? null : io.rampart.challenge.ChallengePage.escape(title);
        this.contactHtml = contact == null ? null : io.rampart.challenge.ChallengePage.escape(contact);
        this.siteJson = title == null ? null : jsonText(title);
        this.contactJson = contact == null ? null : jsonText(contact);
        add(400, "Bad request", "bad_request",
                "The request could not be understood: it breaks the rules of HTTP. The connection has been closed.");
        add(403, "Access denied", "forbidden",
                "This request was refused by the site's protection. If you think this is a mistake, contact the site's operators and give them the reference below.");
        add(404, "Not found", "not_found", "No site here answers to that name.");
        add(405, "Method not allowed", "method_not_allowed", "This server is a gateway for its own sites, not a forward proxy.");
        add(408, "Request timeout", "request_timeout",
                "The request took too long to arrive, so the connection was closed. Please try again.");
        add(413, "Request too large", "payload_too_large", "The request body is larger than this site accepts.");
        add(414, "Address too long", "uri_too_long", "The requested address is longer than this site accepts.");
        add(421, "Unknown site", "misdirected_request",
                "No site here answers to the name in this request. Check the address you typed.");
        add(429, "Too many requests", "too_many_requests",
                "You have sent more requests than this site allows in a short time. Please wait a few seconds, then reload the page.");
        add(431, "Request headers too large", "headers_too_large", "The request's headers are larger than this site accepts.");
        add(502, "Site unreachable", "bad_gateway",
                "The protection in front of this site is working, but the site's own server could not be reached or gave a broken answer. Please try again shortly.");
        add(503, "Service busy", "service_unavailable",
                "The site is under heavy load. Please try again in a moment.");
        add(504, "Site too slow", "gateway_timeout",
                "The protection in front of this site is working, but the site's own server did not answer in time. Please try again shortly.");
        add(505, "HTTP version not supported", "http_version_not_supported", "Use HTTP/1.1.");
    }

    private void add(int status, String title, String code, String explanation) {
        boolean waits = status == 429 || status == 503;
        String site = siteHtml == null ? "" : " — " + siteHtml;
        String html = "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">"
                + "<title>" + status + " " + title + site + "</title>"
                + "<style>body{font:16px/1.5 system-ui,sans-serif;max-width:38em;margin:4em auto;padding:0 1em;color:#222}"
                + "h1{font-size:1.5em}code{font-size:1.1em;background:#f2f2f2;padding:.1em .3em}"
                + "#when{font-size:1.2em}#wait{font-weight:700;white-space:pre}</style></head>\n"
                + "<body><main>" + (siteHtml == null ? "" : "<p class=\"site\">" + siteHtml + "</p>")
                + "<h1>" + status + " — " + title + "</h1>\n<p>" + explanation + "</p>\n"
                + (waits ? "<p id=\"when\">Please try again in <span id=\"wait\">" + WAIT_HOLE + "</span> seconds.</p>\n" : "")
                + (contactHtml != null && (status == 403 || waits) ? "<p>If this keeps happening, contact the site: " + contactHtml + "</p>\n" : "")
                + "<p>Reference: <code>" + REF_HOLE + "</code>" + (contactHtml != null ? " (please quote it)" : "") + "</p></main>"
                + (waits ? COUNTDOWN : "") + "</body></html>\n";
        String json = "{\"status\":" + status + ",\"error\":\"" + code + "\",\"message\":\""
                + explanation.replace("\"", "\\\"") + "\","
                + (waits ? "\"retryAfter\":" + WAIT_HOLE + "," : "")
                + (siteJson == null ? "" : "\"site\":\"" + siteJson + "\",")
                + (contactJson == null ? "" : "\"contact\":\"" + contactJson + "\",")
                + "\"ref\":\"" + REF_HOLE + "\"}\n";
        pages.put(status, new Page(html, json));
    }

    /** {@code s} as the inside of a JSON string. */
    private static String jsonText(String s) {
        StringBuilder b = new StringBuilder(s.length() + 8);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '"' || c == '\\') {
                b.append('\\').append(c);
            } else if (c < 0x20 || c == '<' || c == '>' || c == '&') {
                b.append(String.format("\\u%04x", (int) c));
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    /**
     * A complete response for {@code status} carrying {@code ref} in the body and {@code X-Rampart-Ref}.
     *
     * @param json  answer in JSON rather than HTML
     * @param close add {@code Connection: close}
     */
    FullHttpResponse build(ByteBufAllocator alloc, int status, long ref, boolean json, boolean close) {
        return build(alloc, status, ref, 1, json, close);
    }

    /**
     * As {@link #build(ByteBufAllocator, int, long, boolean, boolean)}; on 429 and 503 the page says
     * to wait {@code waitSeconds} (the {@code Retry-After} the caller sends).
     */
    FullHttpResponse build(ByteBufAllocator alloc, int status, long ref, long waitSeconds, boolean json, boolean close) {
        Page page = pages.get(status);
        if (page == null) {
            throw new IllegalArgumentException("no page for status " + status);
        }
        byte[] template = json ? page.json : page.html;
        int at = json ? page.jsonRefAt : page.htmlRefAt;
        ByteBuf body = alloc.buffer(template.length);
        body.writeBytes(template);
        byte[] refBytes = new byte[12];
        RefIds.writeAscii(ref, refBytes, 0);
        body.setBytes(at, refBytes);
        int waitAt = json ? page.jsonWaitAt : page.htmlWaitAt;
        if (waitAt >= 0) {
            long w = Math.max(0, Math.min(WAIT_MAX, waitSeconds));
            for (int i = WAIT_HOLE.length() - 1; i >= 0; i--) { // right-aligned digits, spaces before
                body.setByte(waitAt + i, w > 0 || i == WAIT_HOLE.length() - 1 ? (byte) ('0' + w % 10) : (byte) ' ');
                w /= 10;
            }
        }
        // our own constant fields need no per-response validation (the ref is 12 base-32 letters)
        FullHttpResponse res = new DefaultFullHttpResponse(HttpVersion.HTTP_1_1, HttpResponseStatus.valueOf(status), body,
                OWN_HEADERS, OWN_HEADERS);
        res.headers()
                .set(HttpHeaderNames.CONTENT_TYPE, json ? "application/json; charset=utf-8" : "text/html; charset=utf-8")
                .setInt(HttpHeaderNames.CONTENT_LENGTH, template.length)
                .set(HttpHeaderNames.CACHE_CONTROL, "no-store")
                .set(Headers.X_RAMPART_REF, new io.netty.util.AsciiString(refBytes, false));
        if (close) {
            res.headers().set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
        }
        return res;
    }
}

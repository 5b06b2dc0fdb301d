package io.rampart.proxy;

import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import java.util.List;

/**
 * The smuggling and garbage rules a request head must pass before anything else looks at it.
 *
 * <p>Netty's decoder (4.2, strict) already refuses {@code Content-Length} together with
 * {@code Transfer-Encoding}, differing duplicate lengths, a non-final {@code chunked}, bad chunk
 * sizes, whitespace before the colon and control characters in names. This adds what a proxy
 * needs on top, because a proxy and its origin must agree on where every request ends:
 * {@code Transfer-Encoding} must be exactly {@code chunked} (Netty reads any other coding until
 * close), {@code Content-Length} must be plain digits (Java accepts {@code +5}), one {@code Host},
 * a bounded number of header fields, a method made of token characters, a request target in
 * origin-, absolute- or asterisk-form, and HTTP/1.0 or 1.1. Each failure maps to one status;
 * the caller closes the connection, because framing is in doubt.
 */
final class RequestHygiene {
    /** Outcome: 0 when the head is acceptable, else the status to answer with. */
    private RequestHygiene() {
    }

    /** The status for a head Netty could not decode: 414, 431, or 400. */
    static int statusForDecoderFailure(DecoderResult result) {
        Throwable cause = result.cause();
        if (cause instanceof TooLongHttpLineException) {
            return 414;
        }
        if (cause instanceof TooLongHttpHeaderException) {
            return 431;
        }
        if (cause instanceof TooLongFrameException) {
            return 431;
        }
        return 400;
    }

    /** @return 0 if the head passes, otherwise the status to refuse it with */
    static int check(HttpRequest req, int maxHeaders) {
        HttpVersion v = req.protocolVersion();
        if (v.majorVersion() != 1 || (v.minorVersion() != 0 && v.minorVersion() != 1)) {
            return 505;
        }
        if (!isToken(req.method().name()) || hasLowerCase(req.method().name())) {
            return 400; // methods are case-sensitive (RFC 9110 §9.1): "get" is not GET, and an origin may read it as one
        }
        HttpHeaders h = req.headers();
        if (h.size() > maxHeaders) {
            return 431;
        }
        if (!validTarget(req.uri())) {
            return 400;
        }
        // presence checks first: most requests carry neither field, and getAll builds a list
        if (h.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
            List<String> te = h.getAll(HttpHeaderNames.TRANSFER_ENCODING);
            if (te.size() != 1 || !"chunked".equalsIgnoreCase(te.get(0).trim())) {
                return 400;
            }
        }
        if (h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
            for (String value : h.getAll(HttpHeaderNames.CONTENT_LENGTH)) {
                if (!isDigits(value.trim())) {
                    return 400;
                }
            }
        }
        int hosts = 0;
        for (java.util.Iterator<? extends CharSequence> it = h.valueCharSequenceIterator(HttpHeaderNames.HOST); it.hasNext(); it.next()) {
            hosts++;
        }
        if (hosts > 1) {
            return 400;
        }
        if (hosts == 0 && v.minorVersion() == 1) {
            return 400; // RFC 9112 §3.2: a server MUST respond 400 to an HTTP/1.1 request without Host
        }
        return 0;
    }

    private static boolean validTarget(String uri) {
        if (uri.isEmpty()) {
            return false;
        }
        for (int i = 0; i < uri.length(); i++) {
            char c = uri.charAt(i);
            if (c <= 0x20 || c >= 0x7f) {
                return false;
            }
        }
        char first = uri.charAt(0);
        if (first == '/') {
            return !uri.startsWith("//");
        }
        if ("*".equals(uri)) {
            return true;
        }
        return uri.regionMatches(true, 0, "http://", 0, 7) || uri.regionMatches(true, 0, "https://", 0, 8);
    }

    private static boolean isDigits(String s) {
        if (s.isEmpty() || s.length() > 18) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
        }
        return true;
    }

    private static boolean hasLowerCase(String s) {
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c >= 'a' && c <= 'z') {
                return true;
            }
        }
        return false;
    }

    /** RFC 9110 tchar. */
    static boolean isToken(String s) {
        if (s.isEmpty()) {
            return false;
        }
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                    || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
            if (!ok) {
                return false;
            }
        }
        return true;
    }
}

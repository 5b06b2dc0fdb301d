package io.rampart.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpUtil;
import java.net.URI;

/**
 * The first step: a request the decoder could not read, or whose shape is hostile (smuggling,
 * too many headers, CONNECT/TRACE, a declared body over the limit), is answered here and its
 * connection closed. An absolute-form target ({@code GET http://host/path}) is turned into
 * origin form, its authority winning over Host (RFC 9112 §3.2.2); HTTP/2 has no absolute form.
 * Then the path is normalised once ({@link PathNormalizer}): every later step, and the origin,
 * see the same spelling.
 */
final class Hygiene implements Step {
    @Override
    public Outcome apply(Exchange x) {
        HttpRequest req = x.request;
        if (req.decoderResult().isFailure()) {
            Responder.protocolError(x, RequestHygiene.statusForDecoderFailure(req.decoderResult()));
            return Outcome.ANSWERED;
        }
        int bad = RequestHygiene.check(req, x.rt.maxHeaders);
        if (bad != 0) {
            Responder.protocolError(x, bad);
            return Outcome.ANSWERED;
        }
        long declaredLength = HttpUtil.getContentLength(req, 0L);
        x.requestHasBody = declaredLength > 0 || HttpUtil.isTransferEncodingChunked(req);
        x.declaredBodyLength = declaredLength;
        if (req.method() == HttpMethod.CONNECT || req.method() == HttpMethod.TRACE) {
            Responder.protocolError(x, 405);
            return Outcome.ANSWERED;
        }
        if (declaredLength > x.rt.maxBodyBytes) {
            Responder.protocolError(x, 413);
            return Outcome.ANSWERED;
        }
        if (x.target.charAt(0) != '/' && !"*".equals(x.target)) {
            if (!x.conn.acceptsAbsoluteForm()) {
                Responder.protocolError(x, 400); // HTTP/2's :path is origin form only (RFC 9113 §8.3.1)
                return Outcome.ANSWERED;
            }
            URI uri = URI.create(x.target);
            x.authority = uri.getRawAuthority();
            String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
            x.target = uri.getRawQuery() == null ? path : path + "?" + uri.getRawQuery();
            req.setUri(x.target);
            if (x.authority != null) {
                req.headers().set(HttpHeaderNames.HOST, x.authority);
            }
        } else {
            x.authority = req.headers().get(HttpHeaderNames.HOST);
        }
        if (x.target.charAt(0) == '/') {
            String normal = PathNormalizer.normalize(x.target);
            if (normal == null) {
                Responder.protocolError(x, 400); // traversal above the root, encoded slash or NUL, bad escape
                return Outcome.ANSWERED;
            }
            if (normal != x.target) {
                x.target = normal;
                req.setUri(normal); // the origin serves what Rampart matched
            }
        }
        return Outcome.CONTINUE;
    }
}

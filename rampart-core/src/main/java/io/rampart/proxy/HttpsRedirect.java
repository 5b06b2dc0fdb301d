package io.rampart.proxy;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.rampart.config.HttpsConfig;
import io.rampart.mitigate.Verdict;

/**
 * A site that wants HTTPS answers a plain-HTTP request with {@code 308} to the same URL over HTTPS
 * (a trusted proxy's {@code X-Forwarded-Proto: https} counts as HTTPS; ACME HTTP-01 validations
 * stay on HTTP).
 */
final class HttpsRedirect implements Step {
    @Override
    public Outcome apply(Exchange x) {
        HttpsConfig https = x.site.https();
        if (!https.redirect() || !"http".equals(x.scheme) || x.target.startsWith("/.well-known/acme-challenge/")
                || x.peerTrusted && "https".equalsIgnoreCase(x.request.headers().get("x-forwarded-proto"))) {
            return Outcome.CONTINUE;
        }
        String host = x.authority == null ? "" : x.authority;
        int colon = host.lastIndexOf(':');
        if (colon > host.lastIndexOf(']')) {
            host = host.substring(0, colon);
        }
        if (host.isEmpty()) {
            return Outcome.CONTINUE;
        }
        String location = "https://" + host + (https.port() == 443 ? "" : ":" + https.port()) + x.target;
        x.count(Verdict.ALLOW);
        boolean keep = x.mayKeep(false);
        FullHttpResponse res = OwnAnswers.redirect(location, null, x.refText(), keep);
        res.setStatus(HttpResponseStatus.PERMANENT_REDIRECT);
        Responder.send(x, res, 308, keep);
        return Outcome.ANSWERED;
    }
}

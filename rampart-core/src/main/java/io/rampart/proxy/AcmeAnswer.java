package io.rampart.proxy;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;

/**
 * A certificate authority validating an order (ACME HTTP-01): answered before any routing, limit
 * or challenge, so that a site under attack can still renew its certificate.
 */
final class AcmeAnswer implements Step {
    @Override
    public Outcome apply(Exchange x) {
        String acme = x.request.method() == HttpMethod.GET ? x.rt.acmeChallenges.answer(x.target) : null;
        if (acme == null) {
            return Outcome.CONTINUE;
        }
        boolean keep = x.mayKeep(false);
        Responder.send(x, OwnAnswers.of(HttpResponseStatus.OK, "text/plain", acme.getBytes(StandardCharsets.US_ASCII),
                x.refText(), keep), 200, keep);
        return Outcome.ANSWERED;
    }
}

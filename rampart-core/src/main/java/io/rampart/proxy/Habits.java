package io.rampart.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.rampart.challenge.Standing;
import io.rampart.traffic.BrowsingHabits;

/**
 * How the client browses ({@link BrowsingHabits}): a navigation (it accepts HTML) or an asset,
 * noted against the client; a client that opens pages without ever fetching what they link is
 * marked automated-looking, and admission serves it from the suspect lane. A client vouched for
 * (a signed user token, a verified crawler, the allow list) is not judged; one that only paid the
 * challenge is: a browser botnet solves challenges too, and a solved puzzle must not buy a flood
 * the known users' share of the origin.
 */
final class Habits implements Step {
    @Override
    public Outcome apply(Exchange x) {
        if (vouchedFor(x.standing.basis())) {
            return Outcome.CONTINUE;
        }
        boolean asset = BrowsingHabits.isAsset(x.target);
        boolean page = !asset && acceptsHtml(x.request.headers().get(HttpHeaderNames.ACCEPT));
        x.automated = x.rt.habits.note(x.client.key(), page, asset);
        return Outcome.CONTINUE;
    }

    private static boolean vouchedFor(Standing.Basis basis) {
        return basis == Standing.Basis.USER_TOKEN || basis == Standing.Basis.VERIFIED_BOT || basis == Standing.Basis.ALLOW_LIST;
    }

    private static boolean acceptsHtml(String accept) {
        return accept != null && accept.contains("text/html");
    }
}

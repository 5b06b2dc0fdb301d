package io.rampart.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.rampart.traffic.BrowsingHabits;

/**
 * How the client browses ({@link BrowsingHabits}): a navigation (it accepts HTML) or an asset,
 * noted against the client; a client that opens pages without ever fetching what they link is
 * marked automated-looking, and admission serves it from the suspect lane. Known users are not
 * judged (they have shown who they are).
 */
final class Habits implements Step {
    @Override
    public Outcome apply(Exchange x) {
        if (x.standing.known()) {
            return Outcome.CONTINUE;
        }
        boolean asset = BrowsingHabits.isAsset(x.target);
        boolean page = !asset && acceptsHtml(x.request.headers().get(HttpHeaderNames.ACCEPT));
        x.automated = x.rt.habits.note(x.client.key(), page, asset);
        return Outcome.CONTINUE;
    }

    private static boolean acceptsHtml(String accept) {
        return accept != null && accept.contains("text/html");
    }
}

package io.rampart.proxy;

import io.rampart.mitigate.Verdict;
import io.rampart.traffic.Dimension;

/**
 * Which site the request is for (its Host, or the absolute target's authority): an unknown host
 * gets {@code 421}, an unparsable one {@code 400}. Then who the client is when a trusted proxy
 * names it, and the request's features (what detection and rules match on).
 */
final class Route implements Step {
    @Override
    public Outcome apply(Exchange x) {
        Site site = x.rt.router.routeAuthority(x.authority);
        if (site == null && x.authority != null && SiteRouter.hostOf(x.authority) == null) {
            Responder.protocolError(x, 400);
            return Outcome.ANSWERED;
        }
        if (x.peerTrusted) {
            x.client = ForwardHeaders.clientOf(x.request.headers(), x.rt.trustedProxies, x.peer);
        }
        if (site == null) {
            x.count(Verdict.BLOCK);
            Responder.answer(x, 421, false);
            return Outcome.ANSWERED;
        }
        x.site = site;
        x.siteIndex = site.index();
        x.features.fill(x.client, x.request, x.target);
        x.headerPrint = x.features.value(Dimension.FINGERPRINT);
        x.addressId = x.features.value(Dimension.CLIENT);
        return Outcome.CONTINUE;
    }
}

package io.rampart.proxy;

import io.rampart.mitigate.Verdict;
import io.rampart.traffic.TrafficRecorder;

/**
 * The first-line decision ({@link io.rampart.mitigate.RequestDecider}): allow list, deny list,
 * per-client and per-prefix rate limits, with known users limited each on their own and
 * anonymous requests from a shared address given that address's share (the people the
 * shared-address book has seen there). A refused request is
 * recorded as refused and answered as its verdict says. An allowed request for Rampart's own
 * pages ({@code /.rampart/}: the challenge's scripts, the no-JavaScript pass) is served here.
 *
 * <p>An anonymous browser's page over its address's rate limit gets the challenge, not a
 * {@code 429}: behind a carrier-grade NAT or an office, a hundred people share an address that
 * has shown no one yet, and the challenge tells them apart. Each who solves it holds a clearance,
 * is limited on their own, and counts as one more person at that address (the shared-address
 * book). A client that cannot solve is held as before; feeds, APIs and assets keep the
 * {@code 429}; each clearance costs a proof of work, and an address's people are capped.
 */
final class Limits implements Step {
    @Override
    public Outcome apply(Exchange x) {
        long person = x.standing.person();
        int shared = person == 0 ? x.rt.crowds.users(x.addressId) : 1;
        x.rt.decider.decide(x.client, x.site.limitsFor(x.target), x.rt.ticker.getAsLong(), person, shared, x.allowListed,
                x.decision);
        Verdict verdict = x.decision.verdict();
        if (verdict == Verdict.ALLOW) {
            x.anonymousCharge = person == 0 && !x.allowListed ? shared : 0;
            if (!x.own) {
                return Outcome.CONTINUE;
            }
            x.site.recorder().record(x.features, 0);
            x.count(verdict);
            OwnPages.serve(x);
            return Outcome.ANSWERED;
        }
        x.site.recorder().record(x.features, TrafficRecorder.REFUSED);
        if (verdict == Verdict.LIMIT && person == 0 && tellsPeopleApart(x)) {
            x.decision.challenge(x.decision.reason());
            x.count(Verdict.CHALLENGE);
            Responder.challenge(x, true);
            return Outcome.ANSWERED;
        }
        x.count(verdict);
        Responder.refuse(x, verdict);
        return Outcome.ANSWERED;
    }

    /** A navigation a person's browser makes (it accepts HTML), on a path the challenge may guard. */
    private static boolean tellsPeopleApart(Exchange x) {
        String accept = x.request.headers().get(io.netty.handler.codec.http.HttpHeaderNames.ACCEPT);
        return accept != null && accept.contains("text/html") && !io.rampart.traffic.BrowsingHabits.isAsset(x.target)
                && !x.rt.gatekeeper.exempt(x.target, x.userAgent(), x.client);
    }
}

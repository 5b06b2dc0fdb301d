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
        x.count(verdict);
        Responder.refuse(x, verdict);
        return Outcome.ANSWERED;
    }
}

package io.rampart.proxy;

import io.rampart.mitigate.Reason;
import io.rampart.mitigate.Verdict;
import io.rampart.traffic.TrafficRecorder;

/**
 * While a site is under attack (switched by the operator, or widened by the control plane to
 * every unknown client), a client that is not known gets the proof-of-work challenge instead of
 * the page. Exempt paths, feeds and verified crawlers pass.
 */
final class UnderAttack implements Step {
    @Override
    public Outcome apply(Exchange x) {
        if (!applies(x, x.policy)) {
            return Outcome.CONTINUE;
        }
        challenge(x);
        return Outcome.ANSWERED;
    }

    /**
     * A request that waited for its origin slot while the site was switched under attack or its
     * protection widened is challenged now instead of sent on: a flood's backlog does not reach
     * the origin after the decision to stop it. Returns whether it was.
     */
    static boolean challengesWaiting(Exchange x) {
        if (!applies(x, x.rt.policy.get().site(x.siteIndex))) {
            return false;
        }
        challenge(x);
        return true;
    }

    private static boolean applies(Exchange x, io.rampart.mitigate.SitePolicy policy) {
        return !x.standing.known() && !x.allowListed && (x.site.underAttack() || policy.challengeUnknown())
                && !x.rt.gatekeeper.exempt(x.target, x.userAgent(), x.client);
    }

    private static void challenge(Exchange x) {
        boolean suspect = x.decision.suspect();
        x.decision.challenge(Reason.UNDER_ATTACK);
        x.site.recorder().record(x.features, TrafficRecorder.REFUSED);
        x.count(Verdict.CHALLENGE);
        Responder.challenge(x, suspect);
    }
}

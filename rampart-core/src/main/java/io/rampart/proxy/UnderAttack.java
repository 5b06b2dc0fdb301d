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
        if (x.standing.known() || !(x.site.underAttack() || x.policy.challengeUnknown())
                || x.rt.gatekeeper.exempt(x.target, x.userAgent(), x.client)) {
            return Outcome.CONTINUE;
        }
        boolean suspect = x.decision.suspect();
        x.decision.challenge(Reason.UNDER_ATTACK);
        x.site.recorder().record(x.features, TrafficRecorder.REFUSED);
        x.count(Verdict.CHALLENGE);
        Responder.challenge(x, suspect);
        return Outcome.ANSWERED;
    }
}

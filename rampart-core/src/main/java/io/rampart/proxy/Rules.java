package io.rampart.proxy;

import io.rampart.config.MitigationStep;
import io.rampart.firewall.KernelFirewall;
import io.rampart.mitigate.Rule;
import io.rampart.mitigate.SitePolicy;
import io.rampart.mitigate.Verdict;
import io.rampart.traffic.TrafficRecorder;

/**
 * The control plane's rules (automatic ones, and the operator's): the first enforced rule that
 * applies to the client ({@link io.rampart.challenge.Standing#ruleScope}: operator rules apply to
 * everyone but the allow list; automatic rules to anonymous clients, and those that limit, block
 * or close to clients past the challenge too) and that the request matches acts as its rung says
 * ({@link Rule#verdict}). A {@code limit} rung holds each matching client to
 * {@code detection.ruleLimit} and lets the rest through; a {@code close} rung holds the request for
 * {@code detection.closeHold} before closing, and a client that keeps earning {@code close} is
 * handed to the kernel firewall ({@code firewall.closesBeforeDrop}).
 */
final class Rules implements Step {
    @Override
    public Outcome apply(Exchange x) {
        SitePolicy sp = x.policy;
        if (!sp.hasRules() || x.allowListed) {
            return Outcome.CONTINUE;
        }
        Rule rule = sp.match(x.features, x.standing.ruleScope());
        if (rule == null) {
            return Outcome.CONTINUE;
        }
        Verdict verdict = verdictFor(x, rule);
        long wait = 0;
        if (verdict == Verdict.LIMIT) {
            wait = x.rt.decider.table().admit(x.client.key(), x.rt.ruleLimit, x.rt.ticker.getAsLong());
            if (wait <= 0) {
                return Outcome.CONTINUE;
            }
        }
        x.decision.rule(rule, verdict, wait);
        x.site.recorder().record(x.features, TrafficRecorder.REFUSED | (x.standing.known() ? TrafficRecorder.KNOWN : 0));
        x.count(verdict);
        if (verdict == Verdict.CLOSE && x.rt.offenders != null && x.rt.offenders.closed(x.client, x.rt.crowds.users(x.addressId))) {
            KernelFirewall fw = x.rt.shared.firewall;
            if (fw != null) {
                fw.wake();
            }
        }
        if (verdict == Verdict.CLOSE && x.rt.closeHoldNanos > 0) {
            Responder.holdThenClose(x);
        } else {
            Responder.refuse(x, verdict);
        }
        return Outcome.ANSWERED;
    }

    /** What {@code rule} does to this request (a challenge rung limits feeds and APIs, which cannot run it). */
    static Verdict verdictFor(Exchange x, Rule rule) {
        boolean exempt = rule.step() == MitigationStep.CHALLENGE && x.rt.gatekeeper.exempt(x.target, x.userAgent(), x.client);
        return rule.verdict(exempt);
    }

    /**
     * What the control plane decided while the request waited for its origin slot applies to it
     * now rather than after it was sent on: a {@code block} or {@code close} rule refuses it with
     * {@code 403}, a {@code challenge} rule sets the challenge (to a client that has not passed
     * it). Without this, the part of a flood queued before the rule would still reach the origin
     * for up to {@code admission.queueTimeout}.
     */
    static boolean refusesWaiting(Exchange x) {
        SitePolicy sp = x.rt.policy.get().site(x.siteIndex);
        if (!sp.hasRules() || x.allowListed) {
            return false;
        }
        Rule rule = sp.match(x.features, x.standing.ruleScope());
        if (rule == null) {
            return false;
        }
        Verdict v = verdictFor(x, rule);
        if (v == Verdict.CHALLENGE) {
            x.decision.rule(rule, Verdict.CHALLENGE, 0);
            x.count(Verdict.CHALLENGE);
            Responder.challenge(x, false);
            return true;
        }
        if (v != Verdict.BLOCK && v != Verdict.CLOSE) {
            return false;
        }
        x.decision.rule(rule, Verdict.BLOCK, 0);
        x.count(Verdict.BLOCK);
        x.fail(403);
        return true;
    }
}

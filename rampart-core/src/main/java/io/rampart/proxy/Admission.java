package io.rampart.proxy;

import io.rampart.admission.AdmissionGate;
import io.rampart.admission.Lane;
import io.rampart.mitigate.Verdict;
import io.rampart.traffic.KeyHash;

/**
 * An origin slot from the site's {@link AdmissionGate}: known clients first, then unknown ones,
 * suspect clients last (close to their rate limit, or browsing like a script: {@link Habits}). A request that finds none waits in the queue for at most
 * {@code admission.queueTimeout}, then gets {@code 503}. A block or challenge rule deployed while
 * it waited, or widened protection, stops it when its slot comes ({@link #admitted}).
 */
final class Admission implements Step {
    private static final long PATH_TAG = 0x7061746868L;

    @Override
    public Outcome apply(Exchange x) {
        AdmissionGate g = x.site.admission();
        x.gate = g;
        if (g == null) {
            return Outcome.CONTINUE;
        }
        // browsing like a script outranks a clearance: a solved puzzle does not buy the known users' share
        Lane lane = x.automated ? Lane.SUSPECT : x.standing.known() ? Lane.KNOWN : x.decision.suspect() ? Lane.SUSPECT : Lane.UNKNOWN;
        switch (g.acquire(x.ticket, lane, x.client.key(), pathKey(x.target))) {
            case ADMITTED:
                return Outcome.CONTINUE;
            case QUEUED:
                x.queued = true;
                x.waitAtMost(x.rt.admissionQueueNanos, Exchange.Phase.FORWARDING, () -> {
                    if (x.queued && g.cancel(x.ticket)) {
                        x.queued = false;
                        refuseForCapacity(x);
                    }
                });
                return Outcome.WAIT;
            default:
                refuseForCapacity(x);
                return Outcome.ANSWERED;
        }
    }

    /**
     * A queued request got its slot: on to the origin, unless what the control plane decided
     * meanwhile stops it (a rule that refuses or challenges it, the site's protection widened).
     */
    static void admitted(Exchange x) {
        if (!Rules.refusesWaiting(x) && !UnderAttack.challengesWaiting(x)) {
            x.resume();
        }
    }

    /** No origin slot in time: {@code 503} with {@code Retry-After}. */
    static void refuseForCapacity(Exchange x) {
        x.decision.overCapacity();
        x.count(Verdict.ORIGIN_BUSY);
        x.fail(503);
    }

    /** A seeded hash of the target's path (not its query), in a key space apart from clients'. No allocation. */
    private static long pathKey(String target) {
        int q = target.indexOf('?');
        return KeyHash.mix(PATH_TAG, KeyHash.fnv1a(target, q < 0 ? target.length() : q), 0);
    }
}

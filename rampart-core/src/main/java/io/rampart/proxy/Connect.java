package io.rampart.proxy;

import io.rampart.mitigate.Verdict;

/** The last step: the origin leg connects (or takes a pooled connection), sends the request and relays the response. */
final class Connect implements Step {
    @Override
    public Outcome apply(Exchange x) {
        x.count(Verdict.ALLOW);
        x.origin.connect();
        return Outcome.WAIT;
    }
}

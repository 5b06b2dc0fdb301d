package io.rampart.proxy;

/**
 * One stage of a request's path through the gateway (see {@link RequestPath} for the sequence).
 * A step sees the exchange (the request, who sent it, the site, the decision so far) and answers
 * through the {@link Responder}; it returns what it did without allocating. Steps hold no state of
 * their own: one instance serves every connection.
 */
interface Step {
    /** Runs this step for {@code x}. */
    Outcome apply(Exchange x);
}

package io.rampart.proxy;

/**
 * What a {@link Step} did with the exchange, as HAProxy's analysers report it: go on to the next
 * step, stop because the request was answered (or refused, or its connection closed), or stop
 * because the exchange now waits for something (an origin slot, another request's fetch, the rest
 * of the body, the origin) that will resume or end it from a callback.
 */
enum Outcome {
    /** Nothing to do here: the next step runs. */
    CONTINUE,
    /** The request was answered or refused; the exchange has ended. */
    ANSWERED,
    /** The exchange waits; whatever it waits for resumes it ({@link Exchange#resume}) or ends it. */
    WAIT
}

package io.rampart.lab.load;

import io.netty.handler.codec.http.HttpResponse;

/** How one request ended, as the client saw it. */
public enum Outcome {
    /** 2xx or 3xx. */
    OK,
    /** 429: rate-limited by the gateway. */
    LIMITED,
    /** 403: blocked. */
    BLOCKED,
    /** A challenge page (the response carries {@value #CHALLENGE_HEADER}). */
    CHALLENGED,
    /** 503 from the origin itself: its workers and queue were full. */
    SHED,
    /** 502, 503 or 504 from the gateway: the origin could not be reached in time. */
    GATEWAY_ERROR,
    /** Any other 4xx or 5xx. */
    OTHER_ERROR,
    /** No complete answer within the client's patience. */
    TIMEOUT,
    /** The connection was refused, reset or closed before a complete answer. */
    RESET;

    /** Marks a challenge interstitial; the challenge issue defines the page, the lab only counts it. */
    public static final String CHALLENGE_HEADER = "x-rampart-challenge";

    private static final Outcome[] VALUES = values();

    public static Outcome of(HttpResponse r) {
        int code = r.status().code();
        if (r.headers().contains(CHALLENGE_HEADER)) {
            return CHALLENGED;
        }
        if (code < 400) {
            return OK;
        }
        switch (code) {
            case 429: return LIMITED;
            case 403: return BLOCKED;
            case 502: case 504: return GATEWAY_ERROR;
            case 503: return r.headers().contains("x-lab-shed") ? SHED : GATEWAY_ERROR;
            default: return OTHER_ERROR;
        }
    }

    /** Refusals a gateway makes on purpose: what a real user would call being locked out. */
    public boolean refusal() {
        return this == LIMITED || this == BLOCKED || this == CHALLENGED;
    }

    public static int count() {
        return VALUES.length;
    }

    public static Outcome at(int ordinal) {
        return VALUES[ordinal];
    }
}

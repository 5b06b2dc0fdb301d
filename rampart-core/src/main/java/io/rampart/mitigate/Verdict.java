package io.rampart.mitigate;

import java.util.Locale;

/** What happens to a request, from cheapest to harshest. */
public enum Verdict {
    /** Forward to the origin. */
    ALLOW,
    /** Over a rate limit: {@code 429} with {@code Retry-After}. */
    LIMIT,
    /** Must prove it is a browser first: {@code 403} with the challenge page (JSON to an API client). */
    CHALLENGE,
    /** Judged hostile: {@code 403}. */
    BLOCK,
    /** Close the connection without an answer. */
    CLOSE,
    /** Hold the request without holding a thread, then answer {@code 429}. */
    TARPIT,
    /**
     * The request passed every check, but its site's origins had no slot for it in time
     * (admission): {@code 503} with {@code Retry-After}, or a stale copy. Not the client's fault,
     * unlike {@link #LIMIT}.
     */
    ORIGIN_BUSY;

    private final String label = name().toLowerCase(Locale.ROOT);

    /** Lower-case name used in metrics tags and the access log. */
    public String label() {
        return label;
    }
}

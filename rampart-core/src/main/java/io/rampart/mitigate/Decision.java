package io.rampart.mitigate;

/**
 * The outcome of deciding one request. Mutable and reused per connection so the decide step
 * allocates nothing; read it before the next request on the same connection.
 */
public final class Decision {
    private Verdict verdict = Verdict.ALLOW;
    private Reason reason = Reason.NONE;
    private long retryAfterNanos;
    private long tarpitNanos;
    boolean suspect;
    private Rule rule;

    void set(Verdict verdict, Reason reason, long retryAfterNanos, long tarpitNanos) {
        this.verdict = verdict;
        this.reason = reason;
        this.retryAfterNanos = retryAfterNanos;
        this.tarpitNanos = tarpitNanos;
        this.suspect = false;
        this.rule = null;
    }

    /** An automatic rule matched: {@code verdict} is what its rung does (limit, challenge, block, close). */
    public void rule(Rule matched, Verdict verdict, long retryAfterNanos) {
        set(verdict, Reason.RULE, retryAfterNanos, 0);
        this.rule = matched;
    }

    /** The automatic rule behind this decision, or {@code null}. */
    public Rule rule() {
        return rule;
    }

    /** The request was allowed but is to be challenged first (the site is under attack). */
    public void challenge(Reason why) {
        set(Verdict.CHALLENGE, why, 0, 0);
    }

    /** Allowed, but no origin slot came free in time: {@code 503}, retry after a second. */
    public void overCapacity() {
        set(Verdict.ORIGIN_BUSY, Reason.ADMISSION, 1_000_000_000L, 0);
    }

    /** Allowed, but its client has used more than half its burst: a heavy client, served last when capacity is short. */
    public boolean suspect() {
        return suspect;
    }

    /** Resets to "allowed, no reason" before a new request. */
    public void clear() {
        set(Verdict.ALLOW, Reason.NONE, 0, 0);
    }

    public Verdict verdict() {
        return verdict;
    }

    public Reason reason() {
        return reason;
    }

    /** For LIMIT and TARPIT: how long until the client's next request would be allowed. */
    public long retryAfterNanos() {
        return retryAfterNanos;
    }

    /** Whole seconds for a {@code Retry-After} header, at least 1. */
    public long retryAfterSeconds() {
        return Math.max(1, (retryAfterNanos + 999_999_999L) / 1_000_000_000L);
    }

    /** For TARPIT: how long to hold the request. */
    public long tarpitNanos() {
        return tarpitNanos;
    }
}

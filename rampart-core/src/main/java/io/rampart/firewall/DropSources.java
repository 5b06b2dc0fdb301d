package io.rampart.firewall;

import java.util.List;

/** Where the firewall learns what to drop and what never to: the gateway's lists, rules and offenders. */
public interface DropSources {
    /** Every judgement in force at {@code nowMillis} (wall clock). */
    List<Judgement> judgements(long nowMillis);

    /** Entries never to drop: the allow list, trusted proxies, loopback, the admin's addresses. */
    List<DropEntry> neverDrop();

    /**
     * Changes whenever what {@link #judgements} or {@link #neverDrop} would return changes, apart
     * from the passing of time (the firewall plans again when it does, and every few seconds).
     */
    long version();

    /** The ports of the gateway's listeners (only TCP to these is ever dropped). */
    List<Integer> ports();
}

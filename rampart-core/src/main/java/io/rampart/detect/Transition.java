package io.rampart.detect;

import java.time.Instant;

/** One change of a site's state, with the numbers that caused it. */
public record Transition(Instant at, String site, SiteState from, SiteState to, String why) {
    @Override
    public String toString() {
        return at + " " + site + ": " + from.id() + " -> " + to.id() + " (" + why + ")";
    }
}

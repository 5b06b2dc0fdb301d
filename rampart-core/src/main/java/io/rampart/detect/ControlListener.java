package io.rampart.detect;

/**
 * Hears what the control plane sees and does, on its thread: every site's tick, every change of
 * detected state, every rule event. Incidents are built from this. Implementations must be quick
 * (they run inside the tick) and must not keep the {@link TickFacts} beyond the call.
 */
public interface ControlListener {
    /** One site's tick is over. */
    void tick(TickFacts facts);

    /** A site's detected state changed. */
    void transition(Transition t);

    /** A rule was deployed, escalated, stepped down, expired, put in shadow; protection widened or narrowed. */
    void event(String site, RuleEvent e);
}

package io.rampart.mitigate;

/** The one place the current {@link Policy} is published: written by the control plane, read per request. */
public final class PolicyHolder {
    private volatile Policy current;

    public PolicyHolder(Policy initial) {
        this.current = initial;
    }

    public Policy get() {
        return current;
    }

    public void set(Policy next) {
        current = next;
    }
}

package io.rampart.server.lab;

import io.rampart.server.CommandExtension;

/** Adds {@code rampart lab} to the command line of the lab's jar. */
public final class LabExtension implements CommandExtension {
    @Override
    public String name() {
        return "lab";
    }

    @Override
    public Object command() {
        return new LabCommand();
    }
}

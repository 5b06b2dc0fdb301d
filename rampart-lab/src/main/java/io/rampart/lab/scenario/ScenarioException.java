package io.rampart.lab.scenario;

/** A scenario file that cannot be run, with a message that names the file, the field and the line. */
public final class ScenarioException extends RuntimeException {
    public ScenarioException(String message) {
        super(message);
    }
}

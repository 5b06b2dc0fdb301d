package io.rampart.config;

/** One problem found in a configuration: where it is and what was expected there. */
public record ConfigError(String path, String message) {
    @Override
    public String toString() {
        return (path == null || path.isEmpty() ? "(top level)" : path) + ": " + message;
    }
}

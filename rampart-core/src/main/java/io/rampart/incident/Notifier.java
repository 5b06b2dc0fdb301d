package io.rampart.incident;

/** Somewhere an alert can be delivered. {@link #send} throws when the delivery failed and may be retried. */
public interface Notifier {
    /** A short name for logs and the timeline ({@code webhook https://…}, {@code email ops@…}). */
    String name();

    void send(Alert alert) throws Exception;
}

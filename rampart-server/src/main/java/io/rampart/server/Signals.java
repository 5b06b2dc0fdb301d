package io.rampart.server;

import org.slf4j.LoggerFactory;

/**
 * Signals as nginx and HAProxy use them: {@code SIGHUP} reloads the configuration, {@code SIGUSR1}
 * reopens the access log (after logrotate moved it away). Each runs on a thread of its own, never in
 * the JVM's signal dispatcher.
 */
final class Signals {
    private Signals() {
    }

    @SuppressWarnings("restriction")
    static void on(String name, Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal(name), s -> new Thread(action, "rampart-sig" + name.toLowerCase(java.util.Locale.ROOT)).start());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LoggerFactory.getLogger(Signals.class).warn("SIG{} cannot be handled here ({})", name, e.getMessage());
        }
    }
}

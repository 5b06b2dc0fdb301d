package io.rampart.server;

import org.slf4j.LoggerFactory;

/** {@code SIGHUP} as "reload the configuration", as nginx and HAProxy do. */
final class Signals {
    private Signals() {
    }

    @SuppressWarnings("restriction")
    static void onHangUp(Runnable action) {
        try {
            sun.misc.Signal.handle(new sun.misc.Signal("HUP"), s -> new Thread(action, "rampart-sighup").start());
        } catch (IllegalArgumentException | UnsupportedOperationException e) {
            LoggerFactory.getLogger(Signals.class).warn("SIGHUP cannot be handled here ({}): reload through the file or the API", e.getMessage());
        }
    }
}

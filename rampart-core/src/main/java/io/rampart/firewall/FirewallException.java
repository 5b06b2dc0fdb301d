package io.rampart.firewall;

/** The kernel refused or could not be reached; the message says what nftables said. */
public final class FirewallException extends Exception {
    public FirewallException(String message) {
        super(message);
    }

    public FirewallException(String message, Throwable cause) {
        super(message, cause);
    }
}

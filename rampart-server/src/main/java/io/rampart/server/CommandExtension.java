package io.rampart.server;

/**
 * A command that another jar adds to {@code rampart} (found with {@link java.util.ServiceLoader}):
 * the attack lab's {@code lab}, which the production jar does not carry.
 */
public interface CommandExtension {
    /** The command's name on the command line. */
    String name();

    /** A picocli command object (annotated with {@code @Command}). */
    Object command();
}

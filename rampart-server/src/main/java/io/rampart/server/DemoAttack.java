package io.rampart.server;

import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;

/**
 * The attack drill behind {@code rampart demo --attack} (found with {@link java.util.ServiceLoader}):
 * the lab's origin in place of the demo page, and a one-minute flood from loopback addresses. It
 * lives in the lab's jar; the production jar has none and says so.
 */
public interface DemoAttack extends AutoCloseable {
    /** Starts the origin the drill measures, at {@code at}; returns where it listens. */
    InetSocketAddress startOrigin(InetSocketAddress at) throws IOException;

    /** Starts the drill against {@code gateway}, for {@code length} (null: the drill's own), reporting to {@code out}. */
    AutoCloseable startDrill(InetSocketAddress gateway, Duration length, PrintWriter out);
}

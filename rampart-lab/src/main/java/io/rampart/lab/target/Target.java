package io.rampart.lab.target;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;

/** One column of a comparison: what the load generator talks to, in front of the lab origin. */
public interface Target extends AutoCloseable {
    String name();

    /** Starts the target in front of {@code origin}; returns where clients connect, once it answers. */
    InetSocketAddress start(Path workDir, InetSocketAddress origin, InetSocketAddress listen) throws IOException, InterruptedException;

    /** Further addresses of the same target (the other nodes of a cluster): clients spread their connections over all of them. */
    default java.util.List<InetSocketAddress> moreAddresses() {
        return java.util.List.of();
    }

    /** The gateway process to measure, or null for {@code none}. */
    ProcessHandle process();

    /** Stops whatever {@link #start} started. */
    @Override
    void close();
}

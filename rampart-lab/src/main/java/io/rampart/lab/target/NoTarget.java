package io.rampart.lab.target;

import java.net.InetSocketAddress;
import java.nio.file.Path;

/** {@code none}: the generator talks to the origin directly, to show what the attack does unopposed. */
final class NoTarget implements Target {
    @Override
    public String name() {
        return "none";
    }

    @Override
    public InetSocketAddress start(Path workDir, InetSocketAddress origin, InetSocketAddress listen) {
        return origin;
    }

    @Override
    public ProcessHandle process() {
        return null;
    }

    @Override
    public void close() {
    }
}

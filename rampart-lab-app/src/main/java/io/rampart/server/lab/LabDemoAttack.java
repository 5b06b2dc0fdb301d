package io.rampart.server.lab;

import io.rampart.lab.RunClock;
import io.rampart.lab.origin.LabOrigin;
import io.rampart.lab.origin.OriginCapacity;
import io.rampart.server.DemoAttack;
import java.io.IOException;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.time.Duration;

/** {@code rampart demo --attack} in the lab's jar: the lab's origin behind the demo gateway, and the {@link DemoDrill}. */
public final class LabDemoAttack implements DemoAttack {
    private final RunClock clock = RunClock.system();
    private LabOrigin origin;

    @Override
    public InetSocketAddress startOrigin(InetSocketAddress at) throws IOException {
        try {
            origin = new LabOrigin(at, OriginCapacity.DEFAULT, clock, 3600);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while starting the lab's origin", e);
        }
        return origin.address();
    }

    @Override
    public AutoCloseable startDrill(InetSocketAddress gateway, Duration length, PrintWriter out) {
        return DemoDrill.start(gateway, origin.stats(), clock, length, out);
    }

    @Override
    public void close() throws Exception {
        if (origin != null) {
            origin.close();
        }
    }
}

package io.rampart.server.lab;

import io.rampart.config.HostPort;
import io.rampart.lab.LoopbackOnly;
import io.rampart.lab.RunClock;
import io.rampart.lab.origin.LabOrigin;
import io.rampart.lab.origin.OriginCapacity;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

@Command(name = "origin", description = "Serves the lab's test origin alone (for your own experiments and for calibration), until Ctrl-C.")
final class LabOriginCommand implements Callable<Integer> {
    @Option(names = "--listen", paramLabel = "HOST:PORT", defaultValue = "127.0.0.1:8080", description = "address in 127.0.0.0/8 (default ${DEFAULT-VALUE})")
    String listen;

    @Option(names = "--exit-after", paramLabel = "SECONDS", hidden = true, description = "stop by itself (tests)")
    Integer exitAfter;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress bind;
        try {
            HostPort hp = HostPort.parse(listen);
            bind = new InetSocketAddress(LoopbackOnly.parse(hp.host()), hp.port());
        } catch (IllegalArgumentException e) {
            spec.commandLine().getErr().println("lab origin: --listen: " + e.getMessage());
            return 2;
        }
        OriginCapacity c = OriginCapacity.DEFAULT;
        CountDownLatch stop = new CountDownLatch(1);
        try (LabOrigin origin = new LabOrigin(bind, c, RunClock.system(), 24 * 3600)) {
            Thread hook = new Thread(stop::countDown, "lab-origin-stop");
            Runtime.getRuntime().addShutdownHook(hook);
            PrintWriter out = spec.commandLine().getOut();
            out.printf("lab origin on http://%s:%d/ - %d workers: about %.0f pages/s, %.0f searches/s, %.0f log-ins/s; %d connections%n",
                    origin.address().getAddress().getHostAddress(), origin.address().getPort(), c.workers(),
                    c.capacityPerSecond(c.pageCost()), c.capacityPerSecond(c.searchCost()), c.capacityPerSecond(c.loginCost()),
                    c.maxConnections());
            out.flush();
            if (exitAfter == null) {
                stop.await();
            } else {
                stop.await(exitAfter, TimeUnit.SECONDS);
                Runtime.getRuntime().removeShutdownHook(hook);
            }
        }
        return 0;
    }
}

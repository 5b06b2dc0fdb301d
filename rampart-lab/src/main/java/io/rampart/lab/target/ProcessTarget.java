package io.rampart.lab.target;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;

/** A gateway target that runs as a child process: starts it, waits until it answers, stops it. */
abstract class ProcessTarget implements Target {
    final Policy policy;
    private ManagedProcess process;

    ProcessTarget(Policy policy) {
        this.policy = policy;
    }

    /** Starts {@code command} with its output in {@code dir/output.log} and waits until {@code listen} answers. */
    void launch(List<String> command, Path dir, InetSocketAddress listen, long readyMillis) throws IOException, InterruptedException {
        process = ManagedProcess.start(name(), command, dir.resolve("output.log"));
        Targets.awaitReady(listen, process, readyMillis);
    }

    @Override
    public ProcessHandle process() {
        return process == null ? null : process.handle();
    }

    @Override
    public void close() {
        if (process != null) {
            process.close();
        }
    }
}

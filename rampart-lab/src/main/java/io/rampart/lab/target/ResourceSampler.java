package io.rampart.lab.target;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * CPU time and resident memory of a gateway and its child processes (nginx workers), read from
 * /proc every 250 ms. CPU seconds are user + system time spent between {@link #start} and
 * {@link #stop}; peak RSS is the largest sum of VmRSS over the samples.
 */
public final class ResourceSampler implements AutoCloseable {
    private static final double TICKS_PER_SECOND = 100.0; // USER_HZ: 100 on every Linux architecture Debian ships

    private final ProcessHandle root;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "lab-sampler");
        t.setDaemon(true);
        return t;
    });
    private volatile long startTicks = -1;
    private volatile long lastTicks;
    private volatile long peakRssKb;

    public ResourceSampler(ProcessHandle root) {
        this.root = root;
    }

    public void start() {
        startTicks = ticks();
        lastTicks = startTicks;
        timer.scheduleAtFixedRate(this::sample, 0, 250, TimeUnit.MILLISECONDS);
    }

    public void stop() {
        timer.shutdown();
        try {
            timer.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        sample();
    }

    public double cpuSeconds() {
        return startTicks < 0 ? 0 : (lastTicks - startTicks) / TICKS_PER_SECOND;
    }

    public double peakRssMb() {
        return peakRssKb / 1024.0;
    }

    private void sample() {
        long t = ticks();
        if (t >= lastTicks) {
            lastTicks = t;
        }
        long rss = 0;
        for (ProcessHandle p : family()) {
            rss += rssKb(p.pid());
        }
        peakRssKb = Math.max(peakRssKb, rss);
    }

    private long ticks() {
        long total = 0;
        for (ProcessHandle p : family()) {
            total += cpuTicks(p.pid());
        }
        return total;
    }

    private List<ProcessHandle> family() {
        List<ProcessHandle> all = new ArrayList<>();
        if (root.isAlive()) {
            all.add(root);
            root.descendants().forEach(all::add);
        }
        return all;
    }

    /** utime + stime from /proc/PID/stat (fields 14 and 15; the command name may contain spaces). */
    static long cpuTicks(long pid) {
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            return Long.parseLong(f[11]) + Long.parseLong(f[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    static long rssKb(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException | RuntimeException e) {
            return 0;
        }
        return 0;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}

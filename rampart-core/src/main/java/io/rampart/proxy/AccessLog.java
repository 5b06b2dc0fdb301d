package io.rampart.proxy;

import io.netty.util.internal.PlatformDependent;
import io.rampart.metrics.GatewayMetrics;
import java.io.BufferedOutputStream;
import java.io.Closeable;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

/**
 * The JSON access log: one line per request, written by its own thread.
 *
 * <p>Event loops hand finished lines to a bounded lock-free MPSC queue and never wait on the disk:
 * if the writer falls behind, lines are dropped and counted ({@code rampart_access_log_dropped_total}).
 * Rejected requests are sampled — at most {@code rejectedPerSecond} lines a second — and the rest
 * are summarised in one {@code "suppressed"} line per second, so a flood cannot make the log
 * itself the bottleneck (nginx writes ~16 MB/s of rejection lines under a single-source flood).
 */
public final class AccessLog implements Closeable {
    private static final int CAPACITY = 64 * 1024;
    private static final int WAKE_AT = CAPACITY / 4;
    private static final long DRAIN_NANOS = 20_000_000L;

    private final Queue<String> queue = PlatformDependent.newFixedMpscQueue(CAPACITY);
    /** Written by the writer thread alone (it reopens the file); the rest only submit lines. */
    private OutputStream out;
    /** The file, or null for standard output and {@code off}. */
    private final Path path;
    private volatile boolean reopenAsked;
    private volatile String reopened = "";
    /** A file of our own (closed with the log); standard output is only flushed. */
    private final boolean ownsFile;
    private final boolean enabled;
    private final int rejectedPerSecond;
    private final GatewayMetrics metrics;
    private final AtomicLong windowAndCount = new AtomicLong();
    private final AtomicLong suppressed = new AtomicLong();
    private final Thread writer;
    private volatile boolean running = true;

    private AccessLog(OutputStream out, Path path, boolean ownsFile, boolean enabled, int rejectedPerSecond, GatewayMetrics metrics) {
        this.out = out;
        this.path = path;
        this.ownsFile = ownsFile;
        this.enabled = enabled;
        this.rejectedPerSecond = rejectedPerSecond;
        this.metrics = metrics;
        this.writer = new Thread(this::drain, "rampart-access-log");
        writer.setDaemon(true);
        if (enabled) {
            writer.start();
        }
    }

    /** @param path a file, {@code -} for standard output, or {@code off} */
    public static AccessLog open(String path, int rejectedPerSecond, GatewayMetrics metrics) throws IOException {
        if ("off".equals(path)) {
            return new AccessLog(null, null, false, false, rejectedPerSecond, metrics);
        }
        if ("-".equals(path)) {
            return new AccessLog(new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024), null, false, true,
                    rejectedPerSecond, metrics);
        }
        Path p = Path.of(path);
        return new AccessLog(openFile(p), p, true, true, rejectedPerSecond, metrics);
    }

    private static OutputStream openFile(Path p) throws IOException {
        if (p.getParent() != null) {
            Files.createDirectories(p.getParent());
        }
        return new BufferedOutputStream(Files.newOutputStream(p, StandardOpenOption.CREATE, StandardOpenOption.APPEND), 64 * 1024);
    }

    /**
     * Asks the writer to reopen the file (SIGUSR1, after logrotate) and waits up to a second for it.
     *
     * @return what happened, for the log
     */
    public String reopen() {
        if (path == null) {
            return enabled ? "the access log goes to standard output: nothing to reopen" : "the access log is off: nothing to reopen";
        }
        reopened = "";
        reopenAsked = true;
        LockSupport.unpark(writer);
        long deadline = System.nanoTime() + 1_000_000_000L;
        while (reopenAsked && System.nanoTime() - deadline < 0) {
            LockSupport.parkNanos(5_000_000L);
        }
        return reopenAsked ? "the access log " + path + " is being reopened" : reopened;
    }

    /** On the writer thread: the old file flushed and closed, the path opened anew (the old one kept if it cannot be). */
    private void reopenNow() {
        try {
            OutputStream fresh = openFile(path);
            out.flush();
            out.close();
            out = fresh;
            reopened = "access log " + path + " reopened";
        } catch (IOException e) {
            reopened = "access log " + path + " could not be reopened (" + e.getMessage() + "); still writing to the old file";
        }
        reopenAsked = false;
    }

    public boolean enabled() {
        return enabled;
    }

    /**
     * Whether a rejected request should be written, counting it as suppressed if not.
     * At most {@code rejectedPerSecond} a second pass.
     */
    boolean sampleRejected(long nowMillis) {
        if (!enabled) {
            return false;
        }
        long second = nowMillis / 1000;
        for (;;) {
            long cur = windowAndCount.get();
            long curSecond = cur >>> 20;
            long count = cur & 0xFFFFF;
            long next;
            if (curSecond != (second & 0xFFF_FFFF_FFFFL)) {
                next = ((second & 0xFFF_FFFF_FFFFL) << 20) | 1;
            } else if (count < rejectedPerSecond) {
                next = cur + 1;
            } else {
                suppressed.incrementAndGet();
                return false;
            }
            if (windowAndCount.compareAndSet(cur, next)) {
                return true;
            }
        }
    }

    void submit(String line) {
        if (!enabled) {
            return;
        }
        if (!queue.offer(line)) {
            metrics.accessLogDropped();
        } else if (queue.size() > WAKE_AT) {
            // the writer drains every DRAIN_NANOS by itself; waking it per line would cost a
            // futex call per request, so it is only hurried when the queue is filling up
            LockSupport.unpark(writer);
        }
    }

    private void drain() {
        long lastSummary = System.currentTimeMillis();
        while (running || !queue.isEmpty()) {
            if (reopenAsked) {
                reopenNow();
            }
            String line = queue.poll();
            try {
                if (line != null) {
                    // one write per whole line: the buffer then only ever flushes whole lines, so two
                    // logs appending to one file (old and new across a reload) never split a line
                    out.write((line + '\n').getBytes(StandardCharsets.UTF_8));
                    continue;
                }
                long now = System.currentTimeMillis();
                if (now - lastSummary >= 1000) {
                    lastSummary = now;
                    long n = suppressed.getAndSet(0);
                    if (n > 0) {
                        out.write(("{\"time\":\"" + Instant.ofEpochMilli(now) + "\",\"suppressed\":" + n
                                + ",\"note\":\"rejected requests not logged one by one in the last second\"}\n")
                                .getBytes(StandardCharsets.UTF_8));
                    }
                }
                out.flush();
            } catch (IOException e) {
                metrics.accessLogDropped();
            }
            LockSupport.parkNanos(this, DRAIN_NANOS);
        }
        try {
            if (ownsFile) {
                out.close();
            } else {
                out.flush();
            }
        } catch (IOException ignored) {
            // nothing more can be done with a broken log at shutdown
        }
    }

    @Override
    public void close() {
        running = false;
        if (enabled) {
            LockSupport.unpark(writer);
            try {
                writer.join(2000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /**
     * Appends nanoseconds as milliseconds with two decimals ({@code 1.25}) using integer
     * arithmetic: {@code Double.toString} costs more than the rest of a log line.
     */
    static void appendMillis(StringBuilder sb, long nanos) {
        long hundredths = Math.max(0, nanos) / 10_000;
        sb.append(hundredths / 100).append('.');
        long frac = hundredths % 100;
        if (frac < 10) {
            sb.append('0');
        }
        sb.append(frac);
    }

    /** Appends {@code s} as a JSON string literal (quotes included). */
    static void appendJsonString(StringBuilder sb, CharSequence s) {
        if (s == null) {
            sb.append("null");
            return;
        }
        sb.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"': sb.append("\\\""); break;
                case '\\': sb.append("\\\\"); break;
                case '\n': sb.append("\\n"); break;
                case '\r': sb.append("\\r"); break;
                case '\t': sb.append("\\t"); break;
                default:
                    if (c < 0x20 || c == 0x7f) {
                        sb.append(String.format("\\u%04x", (int) c));
                    } else {
                        sb.append(c);
                    }
            }
        }
        sb.append('"');
    }
}

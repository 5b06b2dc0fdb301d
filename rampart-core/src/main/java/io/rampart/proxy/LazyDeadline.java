package io.rampart.proxy;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * A deadline that moves on every request without touching the scheduler each time.
 *
 * <p>Design note: re-arming a scheduled task per request (cancel + schedule) allocates a task and
 * churns the executor's priority queue on the hot path. Like Netty's {@code IdleStateHandler},
 * this keeps at most one scheduled task and moves only a field: moving the deadline later or
 * disarming it costs nothing; when the task fires early it re-schedules itself for the remainder.
 * Only moving the deadline <em>earlier</em> than the pending task re-schedules. Confined to one
 * event loop, like the connection it belongs to.
 */
final class LazyDeadline implements Runnable {
    private final EventExecutor executor;
    private final Runnable onExpiry;
    private ScheduledFuture<?> task;
    private long taskAt;
    private long deadline;
    private boolean armed;

    LazyDeadline(EventExecutor executor, Runnable onExpiry) {
        this.executor = executor;
        this.onExpiry = onExpiry;
    }

    /** Expire at {@code deadlineNanos} ({@link System#nanoTime()} scale) unless moved or disarmed first. */
    void arm(long deadlineNanos) {
        deadline = deadlineNanos;
        armed = true;
        if (task == null) {
            schedule(deadlineNanos);
        } else if (taskAt - deadlineNanos > 0) {
            task.cancel(false);
            schedule(deadlineNanos);
        }
    }

    void disarm() {
        armed = false;
    }

    boolean armed() {
        return armed;
    }

    /** Disarms and drops the pending task (connection closing). */
    void cancel() {
        armed = false;
        if (task != null) {
            task.cancel(false);
            task = null;
        }
    }

    @Override
    public void run() {
        task = null;
        if (!armed) {
            return;
        }
        if (deadline - System.nanoTime() > 0) {
            schedule(deadline);
            return;
        }
        armed = false;
        onExpiry.run();
    }

    private void schedule(long at) {
        taskAt = at;
        task = executor.schedule(this, Math.max(0, at - System.nanoTime()), TimeUnit.NANOSECONDS);
    }
}

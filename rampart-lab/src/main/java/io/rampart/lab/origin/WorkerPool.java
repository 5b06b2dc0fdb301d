package io.rampart.lab.origin;

import io.netty.channel.EventLoop;
import io.rampart.lab.RunClock;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;

/**
 * Simulated application workers. A job holds one of {@code workers} slots for its service time;
 * when all are busy it waits in a bounded FIFO queue, and a job that cannot queue, or that waited
 * past the queue timeout, is shed (the origin answers 503).
 *
 * <p>Design note: the pool lives on the origin's single event loop, so there are no locks, and a
 * busy worker is a scheduled task rather than a sleeping thread. The origin's CPU cost therefore
 * stays tiny and does not steal cycles from the gateway under test, while its capacity stays
 * exactly {@code workers / serviceTime}, as for a real pool of blocking workers.
 */
final class WorkerPool {
    interface Job {
        void serve();

        void shed();
    }

    private record Waiting(Job job, long costNanos, long enqueuedAt) {
    }

    private final EventLoop loop;
    private final OriginCapacity capacity;
    private final OriginStats stats;
    private final RunClock clock;
    private final ArrayDeque<Waiting> queue = new ArrayDeque<>();
    private int busy;

    WorkerPool(EventLoop loop, OriginCapacity capacity, OriginStats stats, RunClock clock) {
        this.loop = loop;
        this.capacity = capacity;
        this.stats = stats;
        this.clock = clock;
    }

    /** Runs {@code job} after {@code costNanos} of worker time, or sheds it. Event loop only. */
    void submit(Job job, long costNanos) {
        if (busy < capacity.workers()) {
            start(job, costNanos, 0);
        } else if (queue.size() < capacity.queueLimit()) {
            queue.addLast(new Waiting(job, costNanos, clock.nanos()));
        } else {
            stats.shed(clock.second());
            job.shed();
        }
    }

    int queued() {
        return queue.size();
    }

    int busy() {
        return busy;
    }

    private void start(Job job, long costNanos, long waitedNanos) {
        busy++;
        stats.waited(clock.second(), waitedNanos);
        loop.schedule(() -> finish(job), costNanos, TimeUnit.NANOSECONDS);
    }

    private void finish(Job job) {
        busy--;
        job.serve();
        long now = clock.nanos();
        long timeout = capacity.queueTimeout().toNanos();
        while (busy < capacity.workers() && !queue.isEmpty()) {
            Waiting next = queue.pollFirst();
            long waited = now - next.enqueuedAt();
            if (waited > timeout) {
                stats.shed(clock.second());
                stats.waited(clock.second(), waited);
                next.job().shed();
            } else {
                start(next.job(), next.costNanos(), waited);
            }
        }
    }
}

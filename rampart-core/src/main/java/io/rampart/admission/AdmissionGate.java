package io.rampart.admission;

import java.util.Comparator;
import java.util.TreeSet;
import java.util.concurrent.Executor;

/**
 * Admits requests to one site's origins under its {@link AdaptiveLimit}, by lane.
 *
 * <p>Design note: a request takes a slot if the site is under its limit <em>and</em> its lane is
 * under its share: known clients may use every slot; unknown and suspect clients together at most
 * {@code limit × (1 − knownReserve)}; suspect clients at most {@code limit × suspectShare}. A request
 * that finds no slot waits in its lane's queue (all lanes together bounded by {@code queueSize}); a
 * freed slot goes to a known waiter first, then unknown, then suspect. So during a flood from
 * unknown sources, known users never wait behind the flood, and a share of the origin stays theirs
 * even before they arrive. Within a lane, waiters are ordered by how much origin time their client
 * <em>and their path</em> used lately ({@link OriginUse}), then by arrival. A distributed flood
 * spreads over thousands of clients, each with a modest share, but it concentrates on one
 * expensive path; counting the path too puts the app that calls a cheap API, or a reader of a
 * page nobody floods, before every request for the flooded search page.
 *
 * <p>Threads: requests come from every event loop, so the counters and queues sit behind one
 * monitor per site. The critical sections are a few field updates (no allocation on the admit
 * path, no I/O); a waiter is resumed on its own event loop via its executor. A request admitted
 * from the queue after its connection went away releases its slot at once (see {@link Ticket}).
 */
public final class AdmissionGate {
    /** The outcome of {@link #acquire}. */
    public enum Result { ADMITTED, QUEUED, FULL }

    /**
     * One request's place in the gate; reused per connection. {@code onAdmitted} runs on
     * {@code executor} when a queued ticket gets its slot; {@code onEvicted} when it is pushed out
     * of a full queue by a lighter or more important request (answer {@code 503} then).
     */
    public static final class Ticket {
        private final Executor executor;
        private final Runnable onAdmitted;
        private final Runnable onEvicted;
        Lane lane = Lane.UNKNOWN;
        boolean queued;
        boolean holding;
        long client;
        long path;
        double priority;
        long seq;

        public Ticket(Executor executor, Runnable onAdmitted, Runnable onEvicted) {
            this.executor = executor;
            this.onAdmitted = onAdmitted;
            this.onEvicted = onEvicted;
        }

        /** Whether this ticket holds a slot (admitted and not yet released). */
        public boolean holding() {
            return holding;
        }

        public Lane lane() {
            return lane;
        }
    }

    private static final Lane[] LANES = Lane.values();
    private static final Comparator<Ticket> LIGHTEST_FIRST =
            Comparator.<Ticket>comparingDouble(t -> t.priority).thenComparingLong(t -> t.seq);
    /** Clients whose origin use is remembered; half-life of that memory. */
    static final int USE_TABLE = 65_536;
    static final long USE_HALF_LIFE_NANOS = 10_000_000_000L;

    private final AdaptiveLimit limit;
    private double unknownShare;
    private double suspectShare;
    private int queueSize;
    private final int[] inFlightByLane = new int[3];
    private int inFlight;
    @SuppressWarnings("unchecked")
    private final TreeSet<Ticket>[] queues = new TreeSet[] {
            new TreeSet<>(LIGHTEST_FIRST), new TreeSet<>(LIGHTEST_FIRST), new TreeSet<>(LIGHTEST_FIRST)};
    private final OriginUse use = new OriginUse(USE_TABLE, USE_HALF_LIFE_NANOS);
    private long arrivals;
    private int queued;
    private final long[] rejected = new long[3];
    /** When the site last had every slot taken or someone waiting (nanos); read without the lock by the shield. */
    private volatile long lastPressure;
    private volatile boolean everPressured;

    public AdmissionGate(AdaptiveLimit limit, double knownReserve, double suspectShare, int queueSize) {
        this.limit = limit;
        this.unknownShare = 1 - knownReserve;
        this.suspectShare = suspectShare;
        this.queueSize = queueSize;
    }

    /**
     * New shares and queue size (a reload). Requests in flight and waiting stay where they are; a
     * smaller queue refuses newcomers until it has drained below the new size.
     */
    public synchronized void tune(double knownReserve, double suspectShare, int queueSize) {
        this.unknownShare = 1 - knownReserve;
        this.suspectShare = suspectShare;
        this.queueSize = queueSize;
    }

    public AdaptiveLimit limit() {
        return limit;
    }

    /**
     * Asks for a slot in {@code lane}. ADMITTED: go on (call {@link #release} at the end). QUEUED:
     * wait for {@code onAdmitted}, or {@link #cancel} on timeout. FULL: answer {@code 503}.
     */
    public Result acquire(Ticket t, Lane lane) {
        return acquire(t, lane, 0, 0);
    }

    /**
     * As {@link #acquire(Ticket, Lane)}, for the client {@code client} asking for the path
     * {@code path} (keys; 0 for none), which order it among waiters of its lane.
     */
    public synchronized Result acquire(Ticket t, Lane lane, long client, long path) {
        t.lane = lane;
        t.client = client;
        t.path = path;
        if (queues[lane.ordinal()].isEmpty() && fits(lane, limit.limit())) {
            take(t);
            return Result.ADMITTED;
        }
        notePressure();
        long now = limit.now();
        t.priority = (client == 0 ? 0 : use.get(client, now)) + (path == 0 ? 0 : use.get(path, now));
        t.seq = arrivals++;
        if (queued >= queueSize && !evictHeavierThan(t)) {
            rejected[lane.ordinal()]++;
            return Result.FULL;
        }
        queues[lane.ordinal()].add(t);
        t.queued = true;
        queued++;
        return Result.QUEUED;
    }

    /**
     * Makes room in a full queue for {@code t}: the heaviest waiter of the least important
     * non-empty lane that is not more important than {@code t}'s is refused — if it is in a less
     * important lane, or in the same lane and heavier. So a full queue of bots never turns away the
     * reader or the app that just arrived; the bot that used the origin most goes instead.
     */
    private boolean evictHeavierThan(Ticket t) {
        for (int l = LANES.length - 1; l >= t.lane.ordinal(); l--) {
            TreeSet<Ticket> q = queues[l];
            if (q.isEmpty()) {
                continue;
            }
            Ticket victim = q.last();
            if (l == t.lane.ordinal() && LIGHTEST_FIRST.compare(victim, t) <= 0) {
                return false;
            }
            q.pollLast();
            victim.queued = false;
            queued--;
            rejected[l]++;
            try {
                victim.executor.execute(victim.onEvicted);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                // its event loop is stopping: nobody is left to answer
            }
            return true;
        }
        return false;
    }

    /**
     * Takes a queued ticket out because its wait ran out: it is answered {@code 503} and counted as
     * rejected. False if it was admitted meanwhile (its {@code onAdmitted} is on its way).
     */
    public synchronized boolean cancel(Ticket t) {
        if (!withdraw(t)) {
            return false;
        }
        rejected[t.lane.ordinal()]++;
        return true;
    }

    /**
     * Takes a queued ticket out without counting it as rejected: its client went away (nobody was
     * answered {@code 503}). False if it was not queued.
     */
    public synchronized boolean withdraw(Ticket t) {
        if (!t.queued) {
            return false;
        }
        queues[t.lane.ordinal()].remove(t);
        t.queued = false;
        queued--;
        return true;
    }

    /**
     * Gives back a slot. {@code rttNanos} ≥ 0 is a round trip to learn from; {@code overload} says the
     * origin showed overload (503, timeout, refused).
     */
    public void release(Ticket t, long rttNanos, boolean overload) {
        int now;
        synchronized (this) {
            if (!t.holding) {
                return;
            }
            t.holding = false;
            if (rttNanos > 0) {
                long at = limit.now();
                if (t.client != 0) {
                    use.add(t.client, rttNanos, at);
                }
                if (t.path != 0) {
                    use.add(t.path, rttNanos, at);
                }
            }
            inFlightByLane[t.lane.ordinal()]--;
            now = inFlight--;
            if (queued > 0) {
                drain();
                notePressure();
            }
        }
        if (overload) {
            limit.onDrop(now);
        } else if (rttNanos >= 0) {
            limit.onSample(rttNanos, now);
        }
    }

    private boolean fits(Lane lane, int lim) {
        if (inFlight >= lim) {
            return false;
        }
        switch (lane) {
            case KNOWN:
                return true;
            case UNKNOWN:
                return inFlightByLane[1] + inFlightByLane[2] < Math.max(1, (int) (lim * unknownShare));
            default:
                return inFlightByLane[1] + inFlightByLane[2] < Math.max(1, (int) (lim * unknownShare))
                        && inFlightByLane[2] < Math.max(1, (int) (lim * suspectShare));
        }
    }

    private void take(Ticket t) {
        t.holding = true;
        inFlight++;
        inFlightByLane[t.lane.ordinal()]++;
    }

    /** Hands freed slots to waiters, known lane first. Caller holds the monitor. */
    private void drain() {
        int lim = limit.limit();
        for (int l = 0; l < 3 && queued > 0; l++) {
            TreeSet<Ticket> q = queues[l];
            while (!q.isEmpty() && fits(LANES[l], lim)) {
                Ticket t = q.pollFirst();
                t.queued = false;
                queued--;
                take(t);
                try {
                    t.executor.execute(t.onAdmitted);
                } catch (java.util.concurrent.RejectedExecutionException e) {
                    // its event loop is stopping: give the slot straight back
                    t.holding = false;
                    inFlight--;
                    inFlightByLane[l]--;
                }
            }
        }
    }

    private void notePressure() {
        lastPressure = limit.now();
        everPressured = true;
    }

    /**
     * Whether the site's origins were at their limit (all slots taken, or requests waiting) in the
     * last {@value #PRESSURE_MEMORY_SECONDS} s. The memory is deliberate: a flood that is held off
     * only while pressure lasts would come back each time pressure lifts, so the defences that
     * depend on it (the shield ignoring cache busters) stay up for a while after it.
     */
    public boolean pressured() {
        return everPressured && limit.now() - lastPressure < PRESSURE_MEMORY_SECONDS * 1_000_000_000L;
    }

    static final long PRESSURE_MEMORY_SECONDS = 30;

    public synchronized int inFlight() {
        return inFlight;
    }

    public synchronized int queued() {
        return queued;
    }

    /** Requests of {@code lane} refused for lack of a slot (queue full or waited too long). */
    public synchronized long rejected(Lane lane) {
        return rejected[lane.ordinal()];
    }
}

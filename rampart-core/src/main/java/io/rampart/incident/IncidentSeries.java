package io.rampart.incident;

import java.util.Arrays;

/**
 * An incident's traffic over its whole life in fixed memory: one point per control-plane tick
 * until {@link #MAX_POINTS} are held, then every two neighbours merge into one and each new point
 * covers twice as many ticks (the same halving a profiler's flame graph or RRDtool's
 * consolidation does). A 10-minute incident keeps its ticks; a three-day one keeps 360 points of
 * about twelve minutes each. Counts add up when points merge, so totals never change; the
 * distinct sources of a point are the largest seen in any of its ticks.
 *
 * <p>Used under {@link Incidents}' lock; {@link #snapshot()} copies the arrays for the record.
 */
final class IncidentSeries {
    static final int MAX_POINTS = 360;

    private final long[] at = new long[MAX_POINTS];
    private final long[] millis = new long[MAX_POINTS]; // millimillis covered
    private final long[] requests = new long[MAX_POINTS];
    private final long[] refused = new long[MAX_POINTS];
    private final long[] known = new long[MAX_POINTS];
    private final long[] knownFailed = new long[MAX_POINTS];
    private final long[] knownAnswers = new long[MAX_POINTS];
    private final long[] knownMicros = new long[MAX_POINTS];
    private final long[] sources = new long[MAX_POINTS];
    private int size;
    /** Ticks per point now (1, 2, 4, ...), and how many the last point holds. */
    private int ticksPerPoint = 1;
    private int ticksInLast;

    /** Adds one tick that ended at {@code epochMillis} and lasted {@code covered} milliseconds. */
    void add(long epochMillis, long covered, long req, long ref, long kn, long knFailed, long knAnswers, long knMicros, long src) {
        if (size > 0 && ticksInLast < ticksPerPoint) {
            int i = size - 1;
            at[i] = epochMillis;
            millis[i] += covered;
            requests[i] += req;
            refused[i] += ref;
            known[i] += kn;
            knownFailed[i] += knFailed;
            knownAnswers[i] += knAnswers;
            knownMicros[i] += knMicros;
            sources[i] = Math.max(sources[i], src);
            ticksInLast++;
            return;
        }
        if (size == MAX_POINTS) {
            halve();
        }
        int i = size++;
        at[i] = epochMillis;
        millis[i] = covered;
        requests[i] = req;
        refused[i] = ref;
        known[i] = kn;
        knownFailed[i] = knFailed;
        knownAnswers[i] = knAnswers;
        knownMicros[i] = knMicros;
        sources[i] = src;
        ticksInLast = 1;
    }

    private void halve() {
        int n = 0;
        for (int i = 0; i + 1 < size; i += 2, n++) {
            at[n] = at[i + 1];
            millis[n] = millis[i] + millis[i + 1];
            requests[n] = requests[i] + requests[i + 1];
            refused[n] = refused[i] + refused[i + 1];
            known[n] = known[i] + known[i + 1];
            knownFailed[n] = knownFailed[i] + knownFailed[i + 1];
            knownAnswers[n] = knownAnswers[i] + knownAnswers[i + 1];
            knownMicros[n] = knownMicros[i] + knownMicros[i + 1];
            sources[n] = Math.max(sources[i], sources[i + 1]);
        }
        size = n;
        ticksPerPoint *= 2;
    }

    int size() {
        return size;
    }

    /** A copy for the record. */
    IncidentRecord.Series snapshot() {
        return new IncidentRecord.Series(Arrays.copyOf(at, size), Arrays.copyOf(millis, size), Arrays.copyOf(requests, size),
                Arrays.copyOf(refused, size), Arrays.copyOf(known, size), Arrays.copyOf(knownFailed, size),
                Arrays.copyOf(knownAnswers, size), Arrays.copyOf(knownMicros, size), Arrays.copyOf(sources, size));
    }
}

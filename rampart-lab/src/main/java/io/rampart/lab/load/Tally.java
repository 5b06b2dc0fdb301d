package io.rampart.lab.load;

import io.rampart.lab.Kind;
import io.rampart.lab.SecondSeries;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLongArray;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * The generator's accounting: every request it sends and how it ended, per kind, per second,
 * inside and outside the scenario's event window; latency of well-answered legitimate requests
 * (HdrHistogram, microseconds); which legitimate clients were ever refused; slow connections held.
 */
public final class Tally {
    private final int seconds;
    private final int windowFrom;
    private final int windowTo;
    private final SecondSeries sent;
    private final AtomicLongArray outcomesAll;
    private final AtomicLongArray outcomesWindow;
    private final Histogram[] before = new Histogram[Kind.count()];
    private final Histogram[] during = new Histogram[Kind.count()];
    private final Set<Integer> refusedClients = ConcurrentHashMap.newKeySet();
    /** Legitimate clients challenged and not (yet) through: refused unless they solve it. */
    private final Set<Integer> challengedClients = ConcurrentHashMap.newKeySet();
    private final AtomicLongArray solvedAll = new AtomicLongArray(Kind.count());
    private final AtomicLongArray solvedWindow = new AtomicLongArray(Kind.count());
    private final Histogram[] challengeCost = new Histogram[Kind.count()];
    private final Set<Integer> legitClients = ConcurrentHashMap.newKeySet();
    private final AtomicLongArray slowHeld;
    private final AtomicLongArray slowEvents = new AtomicLongArray(2);

    public Tally(int seconds, int windowFrom, int windowTo) {
        this.seconds = seconds;
        this.windowFrom = windowFrom;
        this.windowTo = windowTo;
        this.sent = new SecondSeries(seconds);
        this.outcomesAll = new AtomicLongArray(Kind.count() * Outcome.count());
        this.outcomesWindow = new AtomicLongArray(Kind.count() * Outcome.count());
        this.slowHeld = new AtomicLongArray(seconds);
        for (int i = 0; i < Kind.count(); i++) {
            before[i] = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 2);
            during[i] = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 2);
            challengeCost[i] = new ConcurrentHistogram(TimeUnit.SECONDS.toMicros(120), 2);
        }
    }

    /** A request left the generator at {@code second}. */
    public void sent(Kind kind, int second) {
        sent.increment(kind, second);
    }

    /**
     * A request sent at {@code second} ended with {@code outcome} after {@code latencyNanos}.
     * {@code client} identifies a legitimate client (ignored for attackers).
     */
    public void ended(Kind kind, int client, int second, Outcome outcome, long latencyNanos) {
        int cell = kind.ordinal() * Outcome.count() + outcome.ordinal();
        outcomesAll.incrementAndGet(cell);
        boolean inWindow = second >= windowFrom && second < windowTo;
        if (inWindow) {
            outcomesWindow.incrementAndGet(cell);
        }
        if (outcome == Outcome.OK) {
            if (kind.legitimate()) {
                long micros = Math.max(1, Math.min(latencyNanos / 1000, TimeUnit.SECONDS.toMicros(120)));
                (inWindow ? during : before)[kind.ordinal()].recordValue(micros);
            }
        }
        if (kind.legitimate()) {
            legitClients.add(client);
            if (outcome == Outcome.CHALLENGED) {
                challengedClients.add(client);
            } else if (outcome.refusal()) {
                refusedClients.add(client);
            }
        }
    }

    /**
     * A legitimate client solved a challenge that came at {@code second} and got its page
     * {@code nanos} after it: the challenge was a delay, not a refusal. Scored apart: the challenge
     * counts as answered, its cost in its own percentiles. It is counted in the second of the
     * challenge, as the challenge's own answer was, so a challenge before the event window solved
     * inside it cannot count as an answer the window never had (success over 100%).
     */
    public void challengeSolved(Kind kind, int client, int second, long nanos) {
        solvedAll.incrementAndGet(kind.ordinal());
        if (second >= windowFrom && second < windowTo) {
            solvedWindow.incrementAndGet(kind.ordinal());
        }
        challengedClients.remove(client);
        challengeCost[kind.ordinal()].recordValue(Math.max(1, Math.min(nanos / 1000, TimeUnit.SECONDS.toMicros(120))));
    }

    /** Challenges of {@code kind} solved (in the event window, or over the run). */
    public long challengesSolved(Kind kind, boolean windowOnly) {
        return (windowOnly ? solvedWindow : solvedAll).get(kind.ordinal());
    }

    /** From a challenge to the page it stood in front of, for the challenges {@code kind} solved. */
    public Histogram challengeCost(Kind kind) {
        return challengeCost[kind.ordinal()];
    }

    /** A slow attacker's connection was opened (true) or closed by the other side (false). */
    public void slowConnection(boolean opened) {
        slowEvents.incrementAndGet(opened ? 0 : 1);
    }

    /** Samples how many slow connections are open at {@code second}. */
    public void slowHeld(int second, long open) {
        if (second >= 0 && second < seconds) {
            slowHeld.accumulateAndGet(second, open, Math::max);
        }
    }

    public long outcomes(Kind kind, Outcome outcome, boolean windowOnly) {
        return (windowOnly ? outcomesWindow : outcomesAll).get(kind.ordinal() * Outcome.count() + outcome.ordinal());
    }

    /** Requests of {@code kind} that ended (in any way). */
    public long ended(Kind kind, boolean windowOnly) {
        long total = 0;
        for (int o = 0; o < Outcome.count(); o++) {
            total += outcomes(kind, Outcome.at(o), windowOnly);
        }
        return total;
    }

    public SecondSeries sentSeries() {
        return sent;
    }

    /** Latency of well-answered requests of one kind, before the event window or inside it. */
    public Histogram latency(Kind kind, boolean duringWindow) {
        return (duringWindow ? during : before)[kind.ordinal()];
    }

    /** Legitimate clients that were limited or blocked at least once, or challenged and never got through. */
    public int refusedLegitClients() {
        Set<Integer> all = new java.util.HashSet<>(refusedClients);
        all.addAll(challengedClients);
        return all.size();
    }

    public int legitClients() {
        return legitClients.size();
    }

    public long slowOpened() {
        return slowEvents.get(0);
    }

    public long slowClosedByTarget() {
        return slowEvents.get(1);
    }

    public long slowHeldMax(int from, int to) {
        long max = 0;
        for (int s = Math.max(0, from); s < Math.min(to, seconds); s++) {
            max = Math.max(max, slowHeld.get(s));
        }
        return max;
    }

    public int seconds() {
        return seconds;
    }

    public int windowFrom() {
        return windowFrom;
    }

    public int windowTo() {
        return windowTo;
    }
}

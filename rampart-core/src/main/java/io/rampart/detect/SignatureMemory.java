package io.rampart.detect;

import io.rampart.config.MitigationStep;
import io.rampart.mitigate.Condition;
import io.rampart.traffic.TrafficRecorder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * Signatures of past attacks on one site, so that the same botnet coming back (the next day, or
 * the next pulse of a pulse wave after its rule expired) is stopped at once instead of after a
 * new detection. Bounded: the {@value #CAPACITY} most recently seen are kept; persisted with the
 * baselines.
 */
final class SignatureMemory {
    static final int CAPACITY = 64;

    private final List<Remembered> entries = new ArrayList<>();

    /** A signature from an earlier attack: its conditions, the highest rung it reached, when it was seen. */
    static final class Remembered {
        final String id;
        final List<Condition> conditions;
        MitigationStep step;
        final Instant firstSeen;
        Instant lastSeen;
        int times;

        Remembered(String id, List<Condition> conditions, MitigationStep step, Instant firstSeen, Instant lastSeen, int times) {
            this.id = id;
            this.conditions = List.copyOf(conditions);
            this.step = step;
            this.firstSeen = firstSeen;
            this.lastSeen = lastSeen;
            this.times = times;
        }
    }

    /** Remembers a deployed signature (or refreshes the memory of the same conditions). */
    void remember(String id, List<Condition> conditions, MitigationStep step, Instant now) {
        for (Remembered r : entries) {
            if (r.conditions.equals(conditions)) {
                r.lastSeen = now;
                r.times++;
                if (step.compareTo(r.step) > 0) {
                    r.step = step;
                }
                entries.remove(r);
                entries.add(r);
                return;
            }
        }
        if (entries.size() >= CAPACITY) {
            entries.remove(0);
        }
        entries.add(new Remembered(id, conditions, step, now, now, 1));
    }

    /** Notes that a deployed signature is still in force at {@code step} (no new sighting). */
    void update(List<Condition> conditions, MitigationStep step, Instant now) {
        for (Remembered r : entries) {
            if (r.conditions.equals(conditions)) {
                r.lastSeen = now;
                if (step.compareTo(r.step) > 0) {
                    r.step = step;
                }
                return;
            }
        }
    }

    /** Restores an entry read from the state file. */
    void restore(Remembered r) {
        if (entries.size() >= CAPACITY) {
            entries.remove(0);
        }
        entries.add(r);
    }

    /**
     * A remembered signature this tick's uncovered traffic matches well beyond normal: at least
     * {@code minRate} per second, at least a fifth of the tick, and three times what normal traffic
     * would send there. {@code null} when none does.
     */
    Remembered recall(TrafficRecorder.Tick t, boolean[] covered, double rate, double legitRate, Baseline b, double minRate) {
        int n = t.sampled;
        if (n == 0 || entries.isEmpty()) {
            return null;
        }
        double scale = rate / n;
        for (int e = entries.size() - 1; e >= 0; e--) {
            Remembered r = entries.get(e);
            int m = 0;
            for (int i = 0; i < n; i++) {
                if ((covered == null || !covered[i]) && SignatureSearch.matches(r.conditions, t.samples, i * TrafficRecorder.FIELDS)) {
                    m++;
                }
            }
            double now = m * scale;
            double normal = b.share(SignatureSearch.rows(r.conditions)) * legitRate;
            if (now >= minRate && m >= 0.2 * n && now >= 3 * normal + 1) {
                return r;
            }
        }
        return null;
    }

    List<Remembered> entries() {
        return entries;
    }
}

package io.rampart.incident;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The heaviest values of one dimension (sources, paths, user agents) over an incident, in fixed
 * memory: the Space-Saving algorithm (Metwally, Agrawal, El Abbadi, 2005) with {@code capacity}
 * counters. A new value takes over the smallest counter and inherits its count, so every count is
 * an overestimate by at most the smallest count, and any value heavier than total/capacity is
 * kept. Used on the control plane's thread only; the eviction scan is linear, which at a few
 * hundred counters and a few hundred new values a tick costs microseconds.
 */
final class TopCounts {
    private final int capacity;
    private final Map<String, double[]> counts = new HashMap<>();

    TopCounts(int capacity) {
        this.capacity = capacity;
    }

    void add(String value, double weight) {
        if (value == null) {
            return;
        }
        double[] c = counts.get(value);
        if (c != null) {
            c[0] += weight;
            return;
        }
        if (counts.size() < capacity) {
            counts.put(value, new double[] {weight});
            return;
        }
        String minKey = null;
        double min = Double.MAX_VALUE;
        for (Map.Entry<String, double[]> e : counts.entrySet()) {
            if (e.getValue()[0] < min) {
                min = e.getValue()[0];
                minKey = e.getKey();
            }
        }
        double[] taken = counts.remove(minKey);
        taken[0] = min + weight;
        counts.put(value, taken);
    }

    /** The count kept for {@code value} (an overestimate by at most the smallest count), 0 when not kept. */
    long count(String value) {
        double[] c = counts.get(value);
        return c == null ? 0 : Math.round(c[0]);
    }

    /** The {@code n} heaviest, heaviest first. */
    List<IncidentRecord.Count> top(int n) {
        List<Map.Entry<String, double[]>> all = new ArrayList<>(counts.entrySet());
        all.sort((a, b) -> Double.compare(b.getValue()[0], a.getValue()[0]));
        List<IncidentRecord.Count> out = new ArrayList<>();
        for (int i = 0; i < Math.min(n, all.size()); i++) {
            out.add(new IncidentRecord.Count(all.get(i).getKey(), Math.round(all.get(i).getValue()[0])));
        }
        return out;
    }
}

package io.rampart.firewall;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Running totals of what the kernel dropped, per drop set and L4 guard, from readings of its
 * counters: each reading adds what grew since the last, so the totals survive a table made anew
 * ({@link #reset}) and counters someone else zeroed (a reading below the last counts from zero).
 * Read every second by the firewall's thread; the totals are read by metrics and incidents.
 */
final class DropCounters {
    private static final DropBackend.Count ZERO = new DropBackend.Count(0, 0);
    private final Map<String, AtomicLong[]> totals = new LinkedHashMap<>();
    private final Map<String, DropBackend.Count> last = new HashMap<>();

    DropCounters(MeterRegistry registry) {
        for (String c : List.of("addr4", "net4", "addr6", "net6", "syn", "conn")) {
            AtomicLong[] v = {new AtomicLong(), new AtomicLong()};
            totals.put(c, v);
            FunctionCounter.builder("rampart.firewall.dropped.packets", v[0], AtomicLong::get).tag("set", c)
                    .description("Packets the kernel dropped for Rampart, by drop set (or L4 guard)").register(registry);
            FunctionCounter.builder("rampart.firewall.dropped.bytes", v[1], AtomicLong::get).tag("set", c)
                    .description("Bytes the kernel dropped for Rampart, by drop set (or L4 guard)").register(registry);
        }
    }

    /** Adds what each counter grew by since the last reading. */
    void read(Map<String, DropBackend.Count> now) {
        for (Map.Entry<String, DropBackend.Count> c : now.entrySet()) {
            AtomicLong[] t = totals.get(c.getKey());
            if (t == null) {
                continue;
            }
            DropBackend.Count before = last.getOrDefault(c.getKey(), ZERO);
            long dp = c.getValue().packets() - before.packets();
            long db = c.getValue().bytes() - before.bytes();
            if (dp < 0 || db < 0) { // zeroed by someone else
                dp = c.getValue().packets();
                db = c.getValue().bytes();
            }
            t[0].addAndGet(dp);
            t[1].addAndGet(db);
            last.put(c.getKey(), c.getValue());
        }
    }

    /** The table (and its counters) were made anew: the next reading counts from zero. */
    void reset() {
        last.clear();
    }

    long packets() {
        return sum(0);
    }

    long bytes() {
        return sum(1);
    }

    private long sum(int i) {
        long n = 0;
        for (AtomicLong[] v : totals.values()) {
            n += v[i].get();
        }
        return n;
    }
}

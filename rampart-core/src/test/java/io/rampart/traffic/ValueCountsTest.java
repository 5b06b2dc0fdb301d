package io.rampart.traffic;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ValueCountsTest {

    @Test
    void countsEveryValue_andRemembersWhereEachWasFirstSeen() {
        ValueCounts c = new ValueCounts();
        c.add(7, 0);
        c.add(0, 1);
        c.add(7, 2);
        c.add(Long.MIN_VALUE, 3);
        assertEquals(3, c.size());
        assertEquals(2, c.count(7));
        assertEquals(1, c.count(0), "zero is a value like any other");
        assertEquals(1, c.count(Long.MIN_VALUE));
        assertEquals(0, c.count(8));
        assertEquals(-1, c.first(8));
        assertEquals(1, c.first(0));
        assertEquals(7, c.valueAt(0));
        assertEquals(0, c.firstAt(0));
        assertEquals(0, c.valueAt(1));
        assertEquals(1, c.firstAt(1));
        assertEquals(Long.MIN_VALUE, c.valueAt(2));
        assertEquals(3, c.firstAt(2));
    }

    @Test
    void agreesWithAHashMap_throughGrowthAndClears() {
        ValueCounts c = new ValueCounts();
        SplittableRandom random = new SplittableRandom(17);
        for (int round = 0; round < 5; round++) {
            c.clear();
            Map<Long, int[]> expected = new HashMap<>();
            int n = 10 + round * 3000;
            for (int i = 0; i < n; i++) {
                // few distinct values in some rounds, mostly distinct in others, high bits only in one
                long v = round == 3 ? ((long) random.nextInt(500)) << 40 : random.nextLong(round % 2 == 0 ? 50 : 1L << 40);
                c.add(v, i);
                expected.computeIfAbsent(v, k -> new int[] {0, -1});
                int[] e = expected.get(v);
                e[0]++;
                if (e[1] < 0) {
                    e[1] = i;
                }
            }
            assertEquals(expected.size(), c.size(), "round " + round);
            for (int i = 0; i < c.size(); i++) {
                int[] e = expected.get(c.valueAt(i));
                assertEquals(e[0], c.countAt(i));
                assertEquals(e[1], c.firstAt(i));
                assertEquals(e[0], c.count(c.valueAt(i)));
            }
        }
    }

    @Test
    void aClearedHistogram_forgetsItsValues() {
        ValueCounts c = new ValueCounts();
        for (int i = 0; i < 1000; i++) {
            c.add(i, i);
        }
        c.clear();
        assertEquals(0, c.size());
        assertEquals(0, c.count(5));
        c.add(5, 9);
        assertEquals(1, c.count(5));
        assertEquals(9, c.firstAt(0));
    }
}

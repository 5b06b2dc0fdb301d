package io.rampart.traffic;

/**
 * How many times each {@code long} value was seen, and the index where it was first seen: the
 * per-dimension histograms the detector builds every tick (of the tick's sample, of the normal
 * reservoir of {@code io.rampart.detect.Baseline}), and the exemplar index of a {@link TrafficRecorder.Tick}.
 *
 * <p>Design note: open addressing with linear probing over a power-of-two table of keys, counts
 * and first indexes, kept at most half full, plus the list of occupied slots in insertion order.
 * {@link #clear()} empties only the occupied slots and keeps the capacity, so a histogram rebuilt
 * every tick allocates nothing once it has grown to the tick's size. The {@code HashMap<Long,
 * int[]>} it replaces boxed every value and allocated a counter per distinct value: about 25 MB/s
 * of garbage on a busy site, all of it living one tick and so copied by every young collection.
 * Keys are spread with a 64-bit finaliser (MurmurHash3's) so that values differing only in high
 * bits do not share a probe run. The values counted are the recorder's keyed hashes
 * ({@link FeatureHasher}, a per-installation secret), so a client cannot choose requests whose
 * values pile into one probe run; and a histogram holds at most a tick's sample or the normal
 * reservoir, so it cannot grow past a few thousand values. Any {@code long} is a key, zero included. Not thread-safe: the
 * control thread owns it.
 */
public final class ValueCounts {
    private static final int MIN_CAPACITY = 16;

    private long[] keys;
    private int[] counts;
    private int[] firsts;
    /** Occupied slots, in the order their values were first added. */
    private int[] order;
    private int size;
    private int mask;

    public ValueCounts() {
        allocate(MIN_CAPACITY);
    }

    /** One empty histogram for each of {@code n} dimensions. */
    public static ValueCounts[] perDimension(int n) {
        ValueCounts[] all = new ValueCounts[n];
        for (int i = 0; i < n; i++) {
            all[i] = new ValueCounts();
        }
        return all;
    }

    private void allocate(int capacity) {
        keys = new long[capacity];
        counts = new int[capacity];
        firsts = new int[capacity];
        order = new int[capacity / 2 + 1];
        mask = capacity - 1;
    }

    /** Forgets every value, keeping the capacity. */
    public void clear() {
        for (int i = 0; i < size; i++) {
            counts[order[i]] = 0;
        }
        size = 0;
    }

    /** Counts one more {@code value}; {@code index} is remembered if it is the value's first. */
    public void add(long value, int index) {
        int slot = slotOf(value);
        if (counts[slot] == 0) {
            if (size + 1 > (mask + 1) / 2) {
                grow();
                slot = slotOf(value);
            }
            keys[slot] = value;
            firsts[slot] = index;
            order[size++] = slot;
        }
        counts[slot]++;
    }

    /** How many times {@code value} was added since the last {@link #clear()}. */
    public int count(long value) {
        return counts[slotOf(value)];
    }

    /** The index passed with {@code value}'s first {@link #add}, or -1 if it was not added. */
    public int first(long value) {
        int slot = slotOf(value);
        return counts[slot] == 0 ? -1 : firsts[slot];
    }

    /** Distinct values held. */
    public int size() {
        return size;
    }

    /** The {@code i}-th distinct value, in the order first added ({@code 0 <= i < size()}). */
    public long valueAt(int i) {
        return keys[order[i]];
    }

    public int countAt(int i) {
        return counts[order[i]];
    }

    /** The index passed with the {@code i}-th value's first {@link #add}. */
    public int firstAt(int i) {
        return firsts[order[i]];
    }

    /** The slot holding {@code value}, or the free slot where it would go. */
    private int slotOf(long value) {
        int slot = (int) spread(value) & mask;
        while (counts[slot] != 0 && keys[slot] != value) {
            slot = (slot + 1) & mask;
        }
        return slot;
    }

    private void grow() {
        long[] oldKeys = keys;
        int[] oldCounts = counts;
        int[] oldFirsts = firsts;
        int[] oldOrder = order;
        int n = size;
        allocate((mask + 1) * 2);
        for (int i = 0; i < n; i++) {
            int from = oldOrder[i];
            int to = slotOf(oldKeys[from]);
            keys[to] = oldKeys[from];
            counts[to] = oldCounts[from];
            firsts[to] = oldFirsts[from];
            order[i] = to;
        }
        size = n;
    }

    private static long spread(long v) {
        v ^= v >>> 33;
        v *= 0xff51afd7ed558ccdL;
        v ^= v >>> 33;
        v *= 0xc4ceb9fe1a85ec53L;
        return v ^ (v >>> 33);
    }
}

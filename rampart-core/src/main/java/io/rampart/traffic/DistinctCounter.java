package io.rampart.traffic;

/**
 * HyperLogLog distinct counter: 2<sup>12</sup> one-byte registers (4 KB), standard error about
 * 1.6%, whatever the number of distinct values.
 *
 * <p>Design note: Flajolet et al. 2007 with the small-range (linear counting) correction; values
 * arrive already hashed by a keyed hash ({@link FeatureHasher}) so they cannot be chosen to land in
 * one register. Writers race without locks: a register only ever grows, and a lost update costs at
 * most one observation. {@link #clear()} is for the single reader, between ticks.
 */
public final class DistinctCounter {
    private static final int P = 12;
    private static final int M = 1 << P;
    private static final double ALPHA = 0.7213 / (1 + 1.079 / M);

    private final byte[] registers = new byte[M];

    /** Adds one hashed value. Allocation-free. */
    public void add(long hash) {
        int idx = (int) (hash >>> (64 - P));
        int rank = Long.numberOfLeadingZeros((hash << P) | (1L << (P - 1))) + 1;
        if (registers[idx] < rank) {
            registers[idx] = (byte) rank;
        }
    }

    /** The estimated number of distinct values added since the last clear. */
    public long estimate() {
        double sum = 0;
        int zeros = 0;
        for (byte r : registers) {
            sum += 1.0 / (1L << r);
            if (r == 0) {
                zeros++;
            }
        }
        double e = ALPHA * M * M / sum;
        if (e <= 2.5 * M && zeros > 0) {
            e = M * Math.log((double) M / zeros);
        }
        return Math.round(e);
    }

    public void clear() {
        java.util.Arrays.fill(registers, (byte) 0);
    }
}

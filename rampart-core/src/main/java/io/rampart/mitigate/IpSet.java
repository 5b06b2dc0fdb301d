package io.rampart.mitigate;

import io.rampart.traffic.Cidr;
import io.rampart.traffic.ClientAddress;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * An immutable set of networks (allow list, deny list, trusted proxies) answering
 * "is this address in it?" in O(log n) without allocating.
 *
 * <p>Design note: the CIDRs are turned into unsigned 128-bit ranges, sorted and merged, and stored
 * in flat {@code long[]} arrays (start/end, hi/lo), one set of arrays per family. A lookup is a
 * binary search for the last range starting at or below the address. Overlapping or adjacent
 * entries merge, so a list of a hundred thousand networks costs four longs per merged range.
 */
public final class IpSet {
    public static final IpSet EMPTY = new IpSet(List.of());

    private final long[] v4Start;
    private final long[] v4End;
    private final long[] v6StartHi;
    private final long[] v6StartLo;
    private final long[] v6EndHi;
    private final long[] v6EndLo;
    private final int size;

    private IpSet(List<Cidr> cidrs) {
        List<Cidr> v4 = new ArrayList<>();
        List<Cidr> v6 = new ArrayList<>();
        for (Cidr c : cidrs) {
            (c.ipv6() ? v6 : v4).add(c);
        }
        List<long[]> m4 = merge(v4);
        List<long[]> m6 = merge(v6);
        v4Start = new long[m4.size()];
        v4End = new long[m4.size()];
        for (int i = 0; i < m4.size(); i++) {
            v4Start[i] = m4.get(i)[1];
            v4End[i] = m4.get(i)[3];
        }
        v6StartHi = new long[m6.size()];
        v6StartLo = new long[m6.size()];
        v6EndHi = new long[m6.size()];
        v6EndLo = new long[m6.size()];
        for (int i = 0; i < m6.size(); i++) {
            long[] r = m6.get(i);
            v6StartHi[i] = r[0];
            v6StartLo[i] = r[1];
            v6EndHi[i] = r[2];
            v6EndLo[i] = r[3];
        }
        size = cidrs.size();
    }

    public static IpSet of(List<Cidr> cidrs) {
        return cidrs.isEmpty() ? EMPTY : new IpSet(cidrs);
    }

    /** Parses CIDR strings; throws {@link IllegalArgumentException} naming the first bad entry. */
    public static IpSet parse(List<String> entries) {
        List<Cidr> cidrs = new ArrayList<>(entries.size());
        for (String e : entries) {
            cidrs.add(Cidr.parse(e));
        }
        return of(cidrs);
    }

    private static List<long[]> merge(List<Cidr> cidrs) {
        List<long[]> ranges = new ArrayList<>();
        for (Cidr c : cidrs) {
            ranges.add(new long[] {c.startHi(), c.startLo(), c.endHi(), c.endLo()});
        }
        ranges.sort(Comparator.<long[]>comparingLong(r -> r[0] ^ Long.MIN_VALUE)
                .thenComparingLong(r -> r[1] ^ Long.MIN_VALUE));
        List<long[]> out = new ArrayList<>();
        for (long[] r : ranges) {
            if (!out.isEmpty()) {
                long[] last = out.get(out.size() - 1);
                // merge when r starts at or before last end + 1
                long nextLo = last[3] + 1;
                long nextHi = nextLo == 0 ? last[2] + 1 : last[2];
                boolean lastIsMax = last[2] == -1L && last[3] == -1L;
                if (lastIsMax || Cidr.compareRanges(r[0], r[1], nextHi, nextLo) <= 0) {
                    if (Cidr.compareRanges(r[2], r[3], last[2], last[3]) > 0) {
                        last[2] = r[2];
                        last[3] = r[3];
                    }
                    continue;
                }
            }
            out.add(r);
        }
        return out;
    }

    public boolean isEmpty() {
        return size == 0;
    }

    /** Number of entries it was built from (before merging). */
    public int size() {
        return size;
    }

    public boolean contains(ClientAddress a) {
        if (a.isIpv6()) {
            return contains6(a.hi(), a.lo());
        }
        return contains4(a.lo());
    }

    private boolean contains4(long ip) {
        long[] starts = v4Start;
        int lo = 0;
        int hi = starts.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (starts[mid] <= ip) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found >= 0 && ip <= v4End[found];
    }

    private boolean contains6(long aHi, long aLo) {
        int lo = 0;
        int hi = v6StartHi.length - 1;
        int found = -1;
        while (lo <= hi) {
            int mid = (lo + hi) >>> 1;
            if (Cidr.compareRanges(v6StartHi[mid], v6StartLo[mid], aHi, aLo) <= 0) {
                found = mid;
                lo = mid + 1;
            } else {
                hi = mid - 1;
            }
        }
        return found >= 0 && Cidr.compareRanges(aHi, aLo, v6EndHi[found], v6EndLo[found]) <= 0;
    }
}

package io.rampart.detect;

import io.rampart.traffic.TrafficRecorder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

/**
 * Addresses that carry several known users — an office behind one NAT address, a campus — learned
 * from the recorded sample, so that the per-address limits of their anonymous requests (the
 * log-in form before a session exists) grow with the number of people seen there.
 *
 * <p>Design note: per address, the distinct known users (by the hash of their session, token or
 * clearance) seen in the last {@code forgetTicks} ticks, at most {@code maxUsers}; an address is
 * published once it has two. Bounded: {@value #MAX_ADDRESSES} addresses (the one with the fewest
 * users is dropped first), {@code maxUsers} users each. A bot that invents sessions from one
 * address gains at most {@code maxUsers} times the per-address limit, the same bound as
 * {@code knownUsers.usersPerAddress} puts on known users.
 */
final class SharedAddresses {
    static final int MAX_ADDRESSES = 1024;

    private final int maxUsers;
    private final long forgetTicks;
    private final Map<Long, Map<Long, Long>> usersByAddress = new HashMap<>();
    private long[] keys = new long[0];
    private int[] users = new int[0];

    SharedAddresses(int maxUsers, long forgetTicks) {
        this.maxUsers = Math.max(1, maxUsers);
        this.forgetTicks = forgetTicks;
    }

    /** Learns tick {@code now}'s known users; returns whether the published view changed. */
    boolean learn(TrafficRecorder.Tick t, long now) {
        for (int i = 0; i < t.sampled; i++) {
            long person = t.person(i);
            if (person == 0) {
                continue;
            }
            Map<Long, Long> seen = usersByAddress.get(t.address(i));
            if (seen == null) {
                if (usersByAddress.size() >= MAX_ADDRESSES && !evictSmallest()) {
                    continue;
                }
                seen = new HashMap<>();
                usersByAddress.put(t.address(i), seen);
            }
            if (seen.size() < maxUsers || seen.containsKey(person)) {
                seen.put(person, now);
            }
        }
        for (Iterator<Map<Long, Long>> it = usersByAddress.values().iterator(); it.hasNext(); ) {
            Map<Long, Long> seen = it.next();
            seen.values().removeIf(last -> now - last > forgetTicks);
            if (seen.isEmpty()) {
                it.remove();
            }
        }
        return publish();
    }

    private boolean evictSmallest() {
        Long smallest = null;
        int size = Integer.MAX_VALUE;
        for (Map.Entry<Long, Map<Long, Long>> e : usersByAddress.entrySet()) {
            if (e.getValue().size() < size) {
                size = e.getValue().size();
                smallest = e.getKey();
            }
        }
        if (smallest == null || size > 1) {
            return false; // every address is shared: keep them, ignore the newcomer until one fades
        }
        usersByAddress.remove(smallest);
        return true;
    }

    private boolean publish() {
        List<long[]> shared = new ArrayList<>();
        for (Map.Entry<Long, Map<Long, Long>> e : usersByAddress.entrySet()) {
            if (e.getValue().size() >= 2) {
                shared.add(new long[] {e.getKey(), e.getValue().size()});
            }
        }
        shared.sort((a, b) -> Long.compare(a[0], b[0]));
        long[] k = new long[shared.size()];
        int[] u = new int[shared.size()];
        for (int i = 0; i < k.length; i++) {
            k[i] = shared.get(i)[0];
            u[i] = (int) shared.get(i)[1];
        }
        boolean changed = !Arrays.equals(k, keys) || !Arrays.equals(u, users);
        keys = k;
        users = u;
        return changed;
    }

    /** Limiter keys of shared addresses, ascending. */
    long[] keys() {
        return keys;
    }

    /** Known users seen at each of {@link #keys()}. */
    int[] users() {
        return users;
    }
}

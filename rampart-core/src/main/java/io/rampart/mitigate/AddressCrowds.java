package io.rampart.mitigate;

import io.rampart.traffic.KeyHash;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;

/**
 * How many distinct people each client address has shown, so that an office behind one NAT
 * address, a campus or a carrier's CGNAT is not limited as one client: an address's anonymous
 * requests (the log-in form, before anyone has a session) and its connections get the per-client
 * allowance once per person seen there.
 *
 * <p><b>Evidence.</b> Only what a client cannot claim counts: a signed user token (by the user id
 * inside it, so one account is one person however often it logs in) and a clearance (a challenge
 * paid for). A token the origin sets in its response counts the moment the site logs someone in,
 * so staff who log in together lift their address's allowance within one round trip, and that log-in
 * is not charged to the address ({@link #saw} says the person is new). Cookies that are merely
 * present count for nothing (decision 0020).
 *
 * <p><b>Memory.</b> A token user counts for {@link #TOKEN_MEMORY_MILLIS} (a week: the office is
 * back on Monday, and after a restart, since the book is saved with the detection state); a
 * clearance for {@link #CLEARANCE_MEMORY_MILLIS} (a bot can buy clearances, so it must keep paying
 * to keep an allowance). A person seen again is remembered from then.
 *
 * <p><b>Bounds.</b> At most {@code maxUsers} people per address (a bot inventing people from one
 * address gains at most that many times the per-client limit) and at most {@value #MAX_CROWDS}
 * addresses with two or more; when the table is full, a new crowd replaces the smallest one of two,
 * or is not learned. An address with a single person lives in a direct-mapped table of
 * {@value #SINGLES} slots that a collision overwrites, so a flood of bots with one clearance each
 * costs one slot write per bot and never a scan.
 *
 * <p><b>Cost.</b> {@link #users} (every anonymous request, every accepted connection) is a binary
 * search over a published snapshot, without a lock. {@link #saw} (every request with a token or a
 * clearance) answers a pair seen in the last minute from a direct-mapped cache, and an address's
 * only person from the single-person table, without a lock; the rest is synchronized and rare. Keys are {@link io.rampart.traffic.Dimension#CLIENT} values: a
 * keyed hash of the address, stable across restarts, so the saved book never holds an address.
 */
public final class AddressCrowds {
    public static final long TOKEN_MEMORY_MILLIS = 7L * 24 * 3600 * 1000;
    public static final long CLEARANCE_MEMORY_MILLIS = 10L * 60 * 1000;
    static final int MAX_CROWDS = 4096;
    static final int SINGLES = 8192;
    private static final int RECENT = 4096;
    private static final long RECENT_MILLIS = 60_000;
    private static final long TAG = 0x6372_6f77_6473L;

    private final int maxUsers;
    private final LongSupplier wallMillis;

    private final long[] recentPair = new long[RECENT];
    private final long[] recentAt = new long[RECENT];

    private final long[] singleAddress = new long[SINGLES];
    private final long[] singlePerson = new long[SINGLES];
    private final long[] singleUntil = new long[SINGLES];
    private final Map<Long, Crowd> crowds = new HashMap<>();

    private volatile Snapshot published = Snapshot.EMPTY;

    /**
     * @param maxUsers   the most people one address is credited with
     * @param wallMillis wall-clock milliseconds (memories outlive the process)
     */
    public AddressCrowds(int maxUsers, LongSupplier wallMillis) {
        this.maxUsers = Math.max(2, maxUsers);
        this.wallMillis = wallMillis;
    }

    /** People seen behind {@code address} (a CLIENT feature value): 1 unless two or more were. */
    public int users(long address) {
        Snapshot s = published;
        int i = Arrays.binarySearch(s.addresses, address);
        return i < 0 ? 1 : s.users[i];
    }

    /**
     * Person {@code person} (a hash of their user id or clearance, non-zero) was seen at
     * {@code address}; {@code vouched}: by a signed user token (remembered for a week) rather than a
     * clearance (ten minutes).
     *
     * @return whether this person is new at this address (not seen there within their memory), and
     *         was counted
     */
    public boolean saw(long address, long person, boolean vouched) {
        long now = wallMillis.getAsLong();
        long pair = KeyHash.mix(TAG ^ (vouched ? 1 : 0), address, person);
        int r = (int) (pair ^ (pair >>> 32)) & (RECENT - 1);
        if (recentPair[r] == pair && now - recentAt[r] < RECENT_MILLIS) {
            return false; // racy by design: a torn read costs one trip through the lock
        }
        int s = single(address);
        if (singleAddress[s] == address && singlePerson[s] == person && singleUntil[s] - now > RECENT_MILLIS) {
            return false; // the one person of this address, again (a cleared bot at each of many addresses): no lock
        }
        boolean fresh = learn(address, person, now + (vouched ? TOKEN_MEMORY_MILLIS : CLEARANCE_MEMORY_MILLIS), now);
        recentPair[r] = pair;
        recentAt[r] = now;
        return fresh;
    }

    private synchronized boolean learn(long address, long person, long until, long now) {
        Crowd crowd = crowds.get(address);
        if (crowd != null) {
            int before = crowd.live(now);
            boolean fresh = crowd.saw(person, until, now);
            if (crowd.live(now) != before) {
                publish(now);
            }
            return fresh;
        }
        int s = single(address);
        boolean held = singleAddress[s] == address && singleUntil[s] - now > 0;
        if (held && singlePerson[s] == person) {
            singleUntil[s] = Math.max(singleUntil[s], until);
            return false;
        }
        if (!held) {
            singleAddress[s] = address;
            singlePerson[s] = person;
            singleUntil[s] = until;
            return true;
        }
        if (crowds.size() >= MAX_CROWDS && !evictSmallest(now)) {
            return false;
        }
        crowd = new Crowd(maxUsers);
        crowd.saw(singlePerson[s], singleUntil[s], now);
        crowd.saw(person, until, now);
        crowds.put(address, crowd);
        singleAddress[s] = 0;
        singleUntil[s] = 0;
        publish(now);
        return true;
    }

    private static int single(long address) {
        return (int) (address ^ (address >>> 32)) & (SINGLES - 1);
    }

    private boolean evictSmallest(long now) {
        Long smallest = null;
        int fewest = Integer.MAX_VALUE;
        for (Map.Entry<Long, Crowd> e : crowds.entrySet()) {
            int live = e.getValue().live(now);
            if (live < fewest) {
                fewest = live;
                smallest = e.getKey();
            }
        }
        if (smallest == null || fewest > 2) {
            return false; // every crowd is larger: keep them; the newcomer waits until one fades
        }
        crowds.remove(smallest);
        return true;
    }

    /** Forgets people whose memory ran out and republishes; called every minute or so. */
    public synchronized void sweep() {
        long now = wallMillis.getAsLong();
        crowds.values().removeIf(c -> c.forget(now) == 0);
        publish(now);
    }

    private void publish(long now) {
        long[] a = new long[crowds.size()];
        int[] u = new int[a.length];
        int n = 0;
        List<Map.Entry<Long, Crowd>> sorted = new ArrayList<>(crowds.entrySet());
        sorted.sort(Map.Entry.comparingByKey());
        for (Map.Entry<Long, Crowd> e : sorted) {
            int live = e.getValue().live(now);
            if (live >= 2) {
                a[n] = e.getKey();
                u[n++] = live;
            }
        }
        published = new Snapshot(Arrays.copyOf(a, n), Arrays.copyOf(u, n));
    }

    /** Addresses with two or more people, for the admin API and metrics. */
    public int crowdCount() {
        return published.addresses.length;
    }

    /** Every remembered person of every crowd, for saving: {address, person, until} triples. */
    public synchronized List<long[]> export() {
        long now = wallMillis.getAsLong();
        List<long[]> out = new ArrayList<>();
        for (Map.Entry<Long, Crowd> e : crowds.entrySet()) {
            Crowd c = e.getValue();
            for (int i = 0; i < c.n; i++) {
                if (c.until[i] - now > 0) {
                    out.add(new long[] {e.getKey(), c.persons[i], c.until[i]});
                }
            }
        }
        return out;
    }

    /**
     * Restores one saved person (see {@link #export}); a lapsed memory, or one reaching further
     * ahead than a token's, is ignored.
     *
     * @return whether it was taken
     */
    public synchronized boolean restore(long address, long person, long until) {
        long now = wallMillis.getAsLong();
        if (address == 0 || person == 0 || until - now <= 0 || until - now > TOKEN_MEMORY_MILLIS) {
            return false;
        }
        learn(address, person, until, now);
        return true;
    }

    private static final class Snapshot {
        static final Snapshot EMPTY = new Snapshot(new long[0], new int[0]);
        final long[] addresses;
        final int[] users;

        Snapshot(long[] addresses, int[] users) {
            this.addresses = addresses;
            this.users = users;
        }
    }

    /** The people of one address: parallel arrays, at most {@code max}. */
    private static final class Crowd {
        final long[] persons;
        final long[] until;
        int n;

        Crowd(int max) {
            persons = new long[max];
            until = new long[max];
        }

        /** Whether {@code person} is new here; a full crowd takes a newcomer only in a lapsed place. */
        boolean saw(long person, long personUntil, long now) {
            int lapsed = -1;
            for (int i = 0; i < n; i++) {
                if (persons[i] == person) {
                    boolean fresh = until[i] - now <= 0;
                    until[i] = Math.max(until[i], personUntil);
                    return fresh;
                }
                if (lapsed < 0 && until[i] - now <= 0) {
                    lapsed = i;
                }
            }
            int at = n < persons.length ? n++ : lapsed;
            if (at < 0) {
                return false;
            }
            persons[at] = person;
            until[at] = personUntil;
            return true;
        }

        int live(long now) {
            int live = 0;
            for (int i = 0; i < n; i++) {
                if (until[i] - now > 0) {
                    live++;
                }
            }
            return live;
        }

        /** Drops lapsed people; returns how many are left. */
        int forget(long now) {
            int w = 0;
            for (int i = 0; i < n; i++) {
                if (until[i] - now > 0) {
                    persons[w] = persons[i];
                    until[w++] = until[i];
                }
            }
            n = w;
            return w;
        }
    }
}

package io.rampart.traffic;

import java.util.List;

/**
 * Large responses to anonymous clients, kept for the data-egress check of an incident: a small
 * ring of {@value #CAPACITY} entries written by the event loops (one synchronized block, only
 * for responses over the configured size, which are rare by definition) and drained by the
 * control plane each tick. When more arrive in one tick, the newest are kept.
 */
public final class BulkResponses {
    /** Entries kept per tick. */
    public static final int CAPACITY = 64;

    /** One large response: when, to whom, what, how big. */
    public record Bulk(long epochMillis, String client, String target, long bytes, int status) {
    }

    private final long[] bytes = new long[CAPACITY];
    private final long[] at = new long[CAPACITY];
    private final int[] status = new int[CAPACITY];
    private final ClientAddress[] clients = new ClientAddress[CAPACITY];
    private final String[] targets = new String[CAPACITY];
    private int count;

    synchronized void add(long size, ClientAddress client, String target, int code) {
        int slot = count % CAPACITY;
        bytes[slot] = size;
        at[slot] = System.currentTimeMillis();
        status[slot] = code;
        clients[slot] = client;
        targets[slot] = target;
        count++;
    }

    /** Moves what was kept into {@code out} (the control plane's thread; allocates the entries). */
    synchronized void drainTo(List<Bulk> out) {
        int n = Math.min(count, CAPACITY);
        for (int i = 0; i < n; i++) {
            out.add(new Bulk(at[i], String.valueOf(clients[i]), targets[i], bytes[i], status[i]));
            clients[i] = null;
            targets[i] = null;
        }
        count = 0;
    }
}

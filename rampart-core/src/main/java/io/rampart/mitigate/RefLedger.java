package io.rampart.mitigate;

import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.RequestFeatures;
import java.time.Instant;

/**
 * What became of recent requests, by reference id: the answer to "my page said 7KQ2M9XD3FZA, why?"
 *
 * <p>Design note: {@link RefIds} are a node tag and a counter, so the counter's low bits are a
 * slot in a fixed ring: recording is a few stores into parallel arrays (no allocation, no lock;
 * the names are references the exchange already holds), and a lookup is one index and one
 * comparison. A slot is overwritten {@value #SLOTS} requests later; a lookup that finds another
 * id there says the entry has aged out (the access log still has it). Torn reads between a
 * writer and a lookup are possible and harmless: the id is checked after the fields are read.
 */
public final class RefLedger {
    /** Requests remembered per node. */
    public static final int SLOTS = 1 << 16;
    private static final int MASK = SLOTS - 1;
    private static final Verdict[] VERDICTS = Verdict.values();
    private static final Reason[] REASONS = Reason.values();

    private final long[] refs = new long[SLOTS];
    private final long[] at = new long[SLOTS];
    private final int[] status = new int[SLOTS];
    private final byte[] verdict = new byte[SLOTS];
    private final byte[] reason = new byte[SLOTS];
    private final String[] site = new String[SLOTS];
    private final String[] rule = new String[SLOTS];
    private final String[] method = new String[SLOTS];
    private final String[] target = new String[SLOTS];
    private final ClientAddress[] client = new ClientAddress[SLOTS];
    private final io.rampart.traffic.ConnectionPrints[] prints = new io.rampart.traffic.ConnectionPrints[SLOTS];
    private final long[] headerPrint = new long[SLOTS];

    /** One request, as the admin API shows it. */
    public record Entry(String ref, String node, Instant at, String site, String client, String method, String target,
                        int status, String verdict, String reason, String rule, String ja4, String h2, String hfp) {
    }

    /** Records a finished request. Allocation-free. */
    public void record(long ref, long epochMillis, int code, String siteName, Verdict v, Reason r, Rule matched,
                       ClientAddress from, String httpMethod, String requestTarget) {
        record(ref, epochMillis, code, siteName, v, r, matched, from, httpMethod, requestTarget, io.rampart.traffic.ConnectionPrints.PLAIN, 0);
    }

    /**
     * As above, with the connection's TLS and HTTP/2 fingerprints and the request's header
     * fingerprint (0 when unknown). Allocation-free.
     */
    public void record(long ref, long epochMillis, int code, String siteName, Verdict v, Reason r, Rule matched,
                       ClientAddress from, String httpMethod, String requestTarget, io.rampart.traffic.ConnectionPrints connection,
                       long headerFingerprint) {
        int i = (int) (ref & MASK);
        refs[i] = 0;
        at[i] = epochMillis;
        status[i] = code;
        verdict[i] = (byte) v.ordinal();
        reason[i] = (byte) r.ordinal();
        site[i] = siteName;
        rule[i] = matched == null ? null : matched.id();
        method[i] = httpMethod;
        target[i] = requestTarget;
        client[i] = from;
        prints[i] = connection;
        headerPrint[i] = headerFingerprint;
        refs[i] = ref;
    }

    /** The request with id {@code ref}, or null when this node never issued it or it has aged out. */
    public Entry find(long ref) {
        int i = (int) (ref & MASK);
        Entry e = new Entry(RefIds.format(ref), nodeOf(ref), Instant.ofEpochMilli(at[i]), site[i], String.valueOf(client[i]),
                method[i], target[i], status[i], VERDICTS[verdict[i]].label(), REASONS[reason[i]].id(), rule[i],
                prints[i] == null ? "" : prints[i].ja4(), prints[i] == null ? "" : prints[i].h2(),
                headerPrint[i] == 0 ? "" : headerPrintText(headerPrint[i]));
        return refs[i] == ref ? e : null;
    }

    private static String headerPrintText(long v) {
        StringBuilder sb = new StringBuilder(16);
        RequestFeatures.appendHeaderPrint(sb, v);
        return sb.toString();
    }

    /** Whether {@code ref} was issued by this node (its 12-bit tag). */
    public static boolean ours(long ref) {
        return (ref >>> 48) == RefIds.node();
    }

    /** The node tag of a reference id, as three hex digits. */
    public static String nodeOf(long ref) {
        return String.format("%03x", ref >>> 48);
    }
}

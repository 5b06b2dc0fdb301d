package io.rampart.mitigate;

import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.RequestFeatures;
import java.time.Instant;

/**
 * What became of recent requests, by reference id: the answer to "my page said 7KQ2M9XD3FZA, why?"
 *
 * <p>Design note: {@link RefIds} are a node tag and a counter, so the counter's low bits are a
 * slot in a fixed ring: recording is a few stores into parallel arrays (no allocation, no lock;
 * the site, method and rule names are constants the exchange already holds), and a lookup is one
 * index and one comparison. The request target is copied into a fixed byte arena, its first
 * {@value #TARGET_BYTES} characters per slot, instead of keeping the decoder's string: a ring of
 * 65,536 such strings turns over every few seconds at load, so each one lived just long enough
 * to be copied by a young collection or two (3–4 MB copied at every pause at 27,000 requests/s). A slot is overwritten {@value #SLOTS} requests later; a lookup that finds another
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
    /** Characters of a request target kept; a longer one is shown cut, ending in "…". */
    static final int TARGET_BYTES = 64;
    private final byte[] targets = new byte[SLOTS * TARGET_BYTES];
    /** The target's length in the arena, TARGET_BYTES + 1 when it was cut, -1 when there was none. */
    private final byte[] targetLength = new byte[SLOTS];
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
    @SuppressWarnings("deprecation") // String.getBytes(int, int, byte[], int): the low byte of each char, which is all a decoded target has
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
        if (requestTarget == null) {
            targetLength[i] = -1;
        } else {
            int n = Math.min(requestTarget.length(), TARGET_BYTES);
            requestTarget.getBytes(0, n, targets, i * TARGET_BYTES);
            targetLength[i] = (byte) (requestTarget.length() > TARGET_BYTES ? TARGET_BYTES + 1 : n);
        }
        client[i] = from;
        prints[i] = connection;
        headerPrint[i] = headerFingerprint;
        refs[i] = ref;
    }

    /** The request with id {@code ref}, or null when this node never issued it or it has aged out. */
    public Entry find(long ref) {
        int i = (int) (ref & MASK);
        Entry e = new Entry(RefIds.format(ref), nodeOf(ref), Instant.ofEpochMilli(at[i]), site[i], String.valueOf(client[i]),
                method[i], targetText(i), status[i], VERDICTS[verdict[i]].label(), REASONS[reason[i]].id(), rule[i],
                prints[i] == null ? "" : prints[i].ja4(), prints[i] == null ? "" : prints[i].h2(),
                headerPrint[i] == 0 ? "" : headerPrintText(headerPrint[i]));
        return refs[i] == ref ? e : null;
    }

    private String targetText(int i) {
        int n = targetLength[i];
        if (n < 0) {
            return null;
        }
        String t = new String(targets, i * TARGET_BYTES, Math.min(n, TARGET_BYTES), java.nio.charset.StandardCharsets.ISO_8859_1);
        return n > TARGET_BYTES ? t + "…" : t;
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

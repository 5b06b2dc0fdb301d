package io.rampart.traffic;

import io.netty.handler.codec.http.HttpRequest;
import io.rampart.geo.GeoLookup;
import io.rampart.geo.SourceOrigin;
import java.lang.invoke.VarHandle;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;
import java.util.concurrent.atomic.LongAdder;

/**
 * What one site's traffic looked like in the current tick: exact counts, a sample of requests
 * with every dimension, distinct sources, and the origin's answers. Written by the event loops,
 * drained by the control plane once per tick.
 *
 * <p>Design note: instead of one sketch per dimension updated on every request, the data plane
 * writes a <em>sample</em> of whole requests (all {@link Dimension}s, one slot of longs each) to a
 * fixed ring, keeping one request in 2<sup>shift</sup> where the control plane raises the shift
 * when a tick overflows the ring. A whole-request sample answers joint questions (how much of the
 * traffic is {@code path=/search AND fingerprint=F}?) that per-dimension count-min sketches
 * cannot, at the cost of one striped counter, one random number and, for sampled requests, one
 * atomic increment and {@value #FIELDS} stores. Each slot is a small seqlock: the writer clears
 * its stamp, writes, then publishes the stamp (release); the reader checks the stamp before and
 * after copying (acquire) and skips a slot being written or overwritten. Memory is fixed:
 * {@value #SLOTS} slots whatever the traffic. Names (a path, a user agent, a method) are kept only
 * by reference, for rules and reports. The request head, which the fingerprint's text is rebuilt
 * from, is kept for one sample in {@value #HEAD_EVERY} only (drawn at random): a head with its header objects is
 * most of a kilobyte, and a ring holding thousands of them through a tick was the bulk of what
 * every young collection had to copy (8.5 MB, 15–20 ms a pause at 27,000 requests/s). A sample
 * without its head is described from another sample of the same tick with the same fingerprint
 * ({@link Tick#describe}); a fingerprint sampled too rarely to have one is named by its hash. The
 * text can miss a header the gateway changed before forwarding (the hash cannot). Distinct
 * sources go to a {@link DistinctCounter}.
 */
public final class TrafficRecorder {
    private volatile GeoLookup geo = GeoLookup.NONE;

    /** Names the autonomous systems and countries in this recorder's descriptions (rules, reports). */
    public TrafficRecorder geo(GeoLookup lookup) {
        this.geo = lookup == null ? GeoLookup.NONE : lookup;
        return this;
    }

    /** One sampled request in this many keeps its head (for the fingerprint's text); a power of two. */
    static final int HEAD_EVERY = 8;
    /** Slots in the sample ring. */
    public static final int SLOTS = 8192;
    /** Longs per slot: one per dimension, then flags, the known user (0: none), the limiter key of the address. */
    public static final int FIELDS = Dimension.COUNT + 3;
    /** Column of a slot holding the known user's hash ({@code Standing.person()}), 0 for anonymous requests. */
    public static final int PERSON = Dimension.COUNT + 1;
    /** Column of a slot holding the address's limiter key ({@code ClientAddress.key()}). */
    public static final int ADDRESS = Dimension.COUNT + 2;
    /** Flag: the client was known (clearance, solved challenge, user token or cookie, allow list). */
    public static final long KNOWN = 1;
    /** Flag: the request was refused before reaching the origin (limit, rule, challenge). */
    public static final long REFUSED = 2;

    private final long[] ring = new long[SLOTS * FIELDS];
    private final ClientAddress[] clients = new ClientAddress[SLOTS];
    private final String[] targets = new String[SLOTS];
    private final String[] agents = new String[SLOTS];
    private final HttpRequest[] heads = new HttpRequest[SLOTS];
    private final String[] methods = new String[SLOTS];
    private final ConnectionPrints[] prints = new ConnectionPrints[SLOTS];
    private final AtomicLongArray stamps = new AtomicLongArray(SLOTS);
    private final AtomicLong cursor = new AtomicLong();
    private final LongAdder requests = new LongAdder();
    private final LongAdder known = new LongAdder();
    private final LongAdder refused = new LongAdder();
    private final LongAdder originAnswers = new LongAdder();
    private final LongAdder originErrors = new LongAdder();
    private final LongAdder originMicros = new LongAdder();
    private final LongAdder knownRefused = new LongAdder();
    private final LongAdder knownAnswers = new LongAdder();
    private final LongAdder knownErrors = new LongAdder();
    private final LongAdder knownMicros = new LongAdder();
    private final LongAdder anonymousResponses = new LongAdder();
    private final LongAdder anonymousBytes = new LongAdder();
    private final LongAdder knownBytes = new LongAdder();
    private final BulkResponses bulk = new BulkResponses();
    private volatile int sampleShift;
    private volatile DistinctCounter sources = new DistinctCounter();
    private DistinctCounter spareSources = new DistinctCounter();
    private long drained;

    /** Records one anonymous request. Allocation-free. */
    public void record(RequestFeatures f, long flags) {
        record(f, flags, 0);
    }

    /** Records one request, from the known user {@code person} (0: anonymous). Allocation-free. */
    public void record(RequestFeatures f, long flags, long person) {
        requests.increment();
        if ((flags & KNOWN) != 0) {
            known.increment();
        }
        if ((flags & REFUSED) != 0) {
            refused.increment();
            if ((flags & KNOWN) != 0) {
                knownRefused.increment();
            }
        }
        sources.add(f.values[Dimension.CLIENT.ordinal()]);
        int shift = sampleShift;
        if (shift > 0 && (ThreadLocalRandom.current().nextInt() & ((1 << shift) - 1)) != 0) {
            return;
        }
        long seq = cursor.getAndIncrement();
        int slot = (int) (seq & (SLOTS - 1));
        int base = slot * FIELDS;
        stamps.setRelease(slot, 0); // seqlock: the slot is being written
        VarHandle.storeStoreFence();
        long[] v = f.values;
        for (int d = 0; d < Dimension.COUNT; d++) {
            ring[base + d] = v[d];
        }
        ring[base + Dimension.COUNT] = flags;
        ring[base + PERSON] = person;
        ring[base + ADDRESS] = f.client.key();
        clients[slot] = f.client;
        targets[slot] = f.target;
        agents[slot] = f.userAgent;
        // drawn at random, not by position: a fingerprint recurring in step with the sequence must not go unnamed
        heads[slot] = (ThreadLocalRandom.current().nextInt() & (HEAD_EVERY - 1)) == 0 ? f.request : null;
        methods[slot] = f.request.method().name();
        prints[slot] = f.prints;
        stamps.setRelease(slot, seq + 1);
    }

    /**
     * Requests recorded since the last {@link #drain}, read without draining (the control plane's
     * glance between ticks). Cheap: one sum over the striped counter's cells.
     */
    public long pending() {
        return requests.sum();
    }

    /**
     * The origin's mean answer time since the last {@link #drain}, in microseconds (0: no answer
     * yet), read without draining.
     */
    public double pendingOriginMicros() {
        long answers = originAnswers.sum();
        return answers == 0 ? 0 : (double) originMicros.sum() / answers;
    }

    /** The origin answered a forwarded request with {@code status} after {@code nanos}. */
    public void originAnswered(int status, long nanos) {
        originAnswers.increment();
        if (status >= 500) {
            originErrors.increment();
        }
        originMicros.add(nanos / 1000);
    }

    /** As {@link #originAnswered(int, long)}, also counted for known users when {@code known}. */
    public void originAnswered(int status, long nanos, boolean known) {
        originAnswered(status, nanos);
        if (known) {
            knownAnswers.increment();
            if (status >= 500) {
                knownErrors.increment();
            }
            knownMicros.add(nanos / 1000);
        }
    }

    /** The origin could not be reached or did not answer in time. */
    public void originFailed() {
        originAnswers.increment();
        originErrors.increment();
    }

    /** As {@link #originFailed()}, also counted for known users when {@code known}. */
    public void originFailed(boolean known) {
        originFailed();
        if (known) {
            knownAnswers.increment();
            knownErrors.increment();
        }
    }

    /**
     * A response of {@code bytes} went to a client ({@code known}: a known user). Responses to
     * anonymous clients of at least {@code bulkBytes} are kept (by reference) for the data-egress
     * check of incident reports. Allocation-free.
     */
    public void responded(long bytes, boolean known, long bulkBytes, ClientAddress client, String target, int status) {
        if (known) {
            knownBytes.add(bytes);
            return;
        }
        anonymousResponses.increment();
        anonymousBytes.add(bytes);
        if (bytes >= bulkBytes && bulkBytes > 0) {
            bulk.add(bytes, client, target, status);
        }
    }

    /**
     * Moves this tick's record into {@code into} and starts the next tick. Only the control plane
     * calls this, from one thread. Requests are described through {@code describe} only when asked.
     */
    public void drain(Tick into) {
        into.requests = requests.sumThenReset();
        into.known = known.sumThenReset();
        into.refused = refused.sumThenReset();
        into.originAnswers = originAnswers.sumThenReset();
        into.originErrors = originErrors.sumThenReset();
        into.originMicros = originMicros.sumThenReset();
        into.knownRefused = knownRefused.sumThenReset();
        into.knownAnswers = knownAnswers.sumThenReset();
        into.knownErrors = knownErrors.sumThenReset();
        into.knownMicros = knownMicros.sumThenReset();
        into.anonymousResponses = anonymousResponses.sumThenReset();
        into.anonymousBytes = anonymousBytes.sumThenReset();
        into.knownBytes = knownBytes.sumThenReset();
        into.bulk.clear();
        bulk.drainTo(into.bulk);
        DistinctCounter full = sources;
        spareSources.clear();
        sources = spareSources;
        spareSources = full;
        into.distinctSources = full.estimate();
        into.sampleShift = sampleShift;
        long end = cursor.get();
        long from = Math.max(drained, end - SLOTS);
        int n = 0;
        for (long seq = from; seq < end; seq++) {
            int slot = (int) (seq & (SLOTS - 1));
            if (stamps.getAcquire(slot) != seq + 1) {
                continue; // claimed but not yet written, or already overwritten by a later request
            }
            int base = slot * FIELDS;
            System.arraycopy(ring, base, into.samples, n * FIELDS, FIELDS);
            VarHandle.loadLoadFence();
            into.clients[n] = clients[slot];
            into.targets[n] = targets[slot];
            into.agents[n] = agents[slot];
            into.heads[n] = heads[slot];
            into.methods[n] = methods[slot];
            into.prints[n] = prints[slot];
            if (stamps.getAcquire(slot) == seq + 1) {
                n++;
            }
        }
        drained = end;
        into.sampled = n;
        into.exemplarsBuilt = false;
        into.geo = geo;
        // keep the next tick's sample within the ring: about half of it at the last tick's rate
        long perTick = end - from;
        int shift = sampleShift;
        if (perTick >= SLOTS * 3 / 4 && shift < 16) {
            sampleShift = shift + 1;
        } else if (perTick < SLOTS / 4 && shift > 0) {
            sampleShift = shift - 1;
        }
    }

    /** One tick's record, reused by the control plane tick after tick. */
    public static final class Tick {
        public long requests;
        public long known;
        public long refused;
        public long originAnswers;
        public long originErrors;
        public long originMicros;
        public long distinctSources;
        /** Known users' requests refused, answered by the origin, answered with 5xx or not at all, and their origin time. */
        public long knownRefused;
        public long knownAnswers;
        public long knownErrors;
        public long knownMicros;
        /** Responses (and their bytes) to anonymous clients; bytes to known users. */
        public long anonymousResponses;
        public long anonymousBytes;
        public long knownBytes;
        /** Large responses to anonymous clients this tick (at most {@link BulkResponses#CAPACITY}). */
        public final java.util.List<BulkResponses.Bulk> bulk = new java.util.ArrayList<>();
        public int sampleShift;
        public int sampled;
        public final long[] samples = new long[SLOTS * FIELDS];
        final ClientAddress[] clients = new ClientAddress[SLOTS];
        final String[] targets = new String[SLOTS];
        final String[] agents = new String[SLOTS];
        final HttpRequest[] heads = new HttpRequest[SLOTS];
        final String[] methods = new String[SLOTS];
        final ConnectionPrints[] prints = new ConnectionPrints[SLOTS];
        /** Fingerprint value to the first sample of this tick that kept its head; built when first needed. */
        private final ValueCounts exemplars = new ValueCounts();
        boolean exemplarsBuilt;

        /** The value of sample {@code i} along dimension {@code d}. */
        public long value(int i, int d) {
            return samples[i * FIELDS + d];
        }

        public long flags(int i) {
            return samples[i * FIELDS + Dimension.COUNT];
        }

        /** The known user behind sample {@code i} (0: anonymous). */
        public long person(int i) {
            return samples[i * FIELDS + PERSON];
        }

        /** The limiter key of sample {@code i}'s address. */
        public long address(int i) {
            return samples[i * FIELDS + ADDRESS];
        }

        /** The client of sampled request {@code i}. */
        public ClientAddress client(int i) {
            return clients[i];
        }

        /** A readable form of sample {@code i}'s value along {@code d} (allocates: for rules and reports). */
        public String describe(int i, Dimension d) {
            if (d == Dimension.ASN || d == Dimension.COUNTRY) {
                SourceOrigin o = geo.lookup(clients[i].inetAddress());
                String text = d == Dimension.ASN ? o.asLabel() : o.country();
                return text == null ? "" : text;
            }
            if (d == Dimension.METHOD) {
                return methods[i];
            }
            if (d == Dimension.FINGERPRINT) {
                HttpRequest head = headFor(i);
                return head == null ? "fingerprint " + Long.toHexString(value(i, d.ordinal())) : RequestFeatures.describeFingerprint(head);
            }
            return RequestFeatures.describe(d, clients[i], targets[i], agents[i], prints[i]);
        }

        /** Sample {@code i}'s head, or the head of another sample with the same fingerprint (null: none kept). */
        private HttpRequest headFor(int i) {
            if (heads[i] != null) {
                return heads[i];
            }
            int fp = Dimension.FINGERPRINT.ordinal();
            if (!exemplarsBuilt) {
                exemplars.clear();
                for (int j = 0; j < sampled; j++) {
                    if (heads[j] != null) {
                        exemplars.add(value(j, fp), j);
                    }
                }
                exemplarsBuilt = true;
            }
            int j = exemplars.first(value(i, fp));
            return j < 0 ? null : heads[j];
        }

        /** Where ASN and country descriptions come from (set by the recorder at each drain). */
        GeoLookup geo = GeoLookup.NONE;

        /** How many requests one sample stands for. */
        public double scale() {
            return sampled == 0 ? 0 : (double) requests / sampled;
        }
    }
}

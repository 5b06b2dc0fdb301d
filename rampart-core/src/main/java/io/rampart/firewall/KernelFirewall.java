package io.rampart.firewall;

import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.rampart.config.FirewallConfig;
import io.rampart.traffic.ClientAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The firewall component: keeps the kernel's drop sets equal to what the gateway has judged.
 *
 * <p>Design note. One thread, one loop, every {@value #CYCLE_MILLIS} ms or at once when woken (an
 * operator's deny): plan ({@link DropPlan}) from every judgement in force, diff against what was
 * pushed, and send the difference as one transaction. Planning costs about 20 ms per 100,000
 * judgements, so the loop plans only when it must: woken, a source's version changed (at most every
 * {@value #REPLAN_MILLIS} ms; a version covers a rule's end to 5 s), or, as a safety net,
 * {@value #REFRESH_MILLIS} ms since the last plan; between plans it only pushes when an element
 * falls due (a renewal, an end), so a gateway holding 100,000 deny entries spends nothing per
 * cycle. Entries without an end get a kernel timeout between three quarters of
 * {@code permanentTimeout} and all of it, by a hash of the entry, so that their renewals (at half
 * their timeout) spread over minutes instead of arriving as one transaction of every entry. Each element carries its decision's
 * remaining time as its kernel timeout, so the kernel forgets it by itself if Rampart dies; an
 * entry without an end (the deny list) is held {@code permanentTimeout} at a time and renewed at
 * half of it. What was pushed mirrors the kernel; any failed transaction makes the next cycle
 * rebuild the table from the plan in one transaction (so a drifted mirror heals), and the table is
 * checked every {@value #CHECK_MILLIS} ms for changes by someone else (rebuilt if so). At start
 * the table a previous run left is read back, strays are counted and the table is made anew from
 * the plan. Counters are read every second and kept as running totals across rebuilds. Failures
 * are logged once per distinct message; refusals meanwhile go on in user space, as without a
 * firewall.
 */
public final class KernelFirewall implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(KernelFirewall.class);
    static final long CYCLE_MILLIS = 100;
    static final long CHECK_MILLIS = 5_000;
    static final long REPLAN_MILLIS = 250;
    static final long REFRESH_MILLIS = 60_000;
    private static final long COUNT_MILLIS = 1_000;
    private static final long RETRY_MILLIS = 2_000;
    private static final int MAX_ADMIN_ADDRESSES = 64;
    private static final long ADMIN_MEMORY_MILLIS = TimeUnit.HOURS.toMillis(24);

    /** One element in the kernel, as the API lists it. */
    public record Listed(String entry, String set, String kind, String reason, Instant until, long secondsLeft) {
    }

    private record Pushed(Judgement judgement, long kernelEndMillis) {
    }

    private final FirewallConfig config;
    private final DropBackend backend;
    private final String unavailable;
    private final DropSources sources;
    private final LongSupplier wallMillis;
    /** What the kernel holds, as pushed: written by the firewall's thread, read by the API's. */
    private final Map<DropEntry, Pushed> pushed = new ConcurrentHashMap<>();
    private final Map<String, AtomicLong> perSet = new ConcurrentHashMap<>();
    private final Map<ClientAddress, Long> adminAddresses = new ConcurrentHashMap<>();
    private final DropCounters counters;
    private final AtomicLong errors = new AtomicLong();
    private final Timer pushTimer;
    private final Timer decisionTimer;
    private volatile Consumer<String> timeline = s -> { };
    private DropPlan plan;
    private long planVersion;
    private long plannedAtMillis;
    private long nextDueMillis;
    private volatile boolean up;
    private volatile String lastError;
    private volatile int leftOut;
    private volatile int folded;
    private volatile long wokenAtNanos;
    private DropBackend.Layout installed;
    private DropBackend.Layout wanted;
    private boolean needsInstall = true;
    private long nextInstallMillis;
    private long nextCountMillis;
    private long nextCheckMillis;
    private final Thread thread;
    private volatile boolean running = true;

    /**
     * @param backend     the kernel, or null when it could not be opened
     * @param unavailable why {@code backend} is null (logged once, shown by the API)
     */
    public KernelFirewall(FirewallConfig config, DropBackend backend, String unavailable, DropSources sources,
                          LongSupplier wallMillis, MeterRegistry registry) {
        this.config = config;
        this.backend = backend;
        this.unavailable = unavailable;
        this.sources = sources;
        this.wallMillis = wallMillis;
        this.counters = new DropCounters(registry);
        Gauge.builder("rampart.firewall.up", () -> up ? 1 : 0)
                .description("1 while the kernel's drop sets are in step with Rampart's decisions (firewall.enabled)").register(registry);
        for (String set : NftScript.DROP_SETS) {
            AtomicLong n = new AtomicLong();
            perSet.put(set, n);
            Gauge.builder("rampart.firewall.elements", n, AtomicLong::get).tag("set", set)
                    .description("Addresses and prefixes in the kernel's drop sets").register(registry);
        }
        Gauge.builder("rampart.firewall.left.out", () -> leftOut)
                .description("Judged sources left out of the kernel because the drop sets are full (still refused in user space)")
                .register(registry);
        Gauge.builder("rampart.firewall.folded", () -> folded)
                .description("Addresses folded into their /24 (/48) because the drop sets were full").register(registry);
        FunctionCounter.builder("rampart.firewall.errors", errors, AtomicLong::get)
                .description("Kernel transactions and reads that failed").register(registry);
        this.pushTimer = Timer.builder("rampart.firewall.push").description("Time one transaction to the kernel takes")
                .publishPercentileHistogram(false).register(registry);
        this.decisionTimer = Timer.builder("rampart.firewall.decision.to.kernel")
                .description("From an operator's deny to its elements in the kernel").register(registry);
        this.thread = new Thread(this::loop, "rampart-firewall");
        thread.setDaemon(true);
    }

    public void start() {
        if (backend == null) {
            LOG.error("firewall: {}; refusals stay in user space", unavailable);
            lastError = unavailable;
            return;
        }
        thread.start();
    }

    /** Pushes at once rather than at the next cycle (an operator's deny). */
    public void wake() {
        wokenAtNanos = System.nanoTime();
        LockSupport.unpark(thread);
    }

    /** Never drops {@code admin} (an address the admin API was used from), for a day after its last use. */
    public void protect(ClientAddress admin) {
        if (admin == null) {
            return;
        }
        long now = wallMillis.getAsLong();
        if (adminAddresses.put(admin, now + ADMIN_MEMORY_MILLIS) == null) {
            if (adminAddresses.size() > MAX_ADMIN_ADDRESSES) {
                adminAddresses.entrySet().stream().min(Map.Entry.comparingByValue())
                        .ifPresent(e -> adminAddresses.remove(e.getKey()));
            }
            wake();
        }
    }

    /** The admin API's addresses in memory (never dropped). */
    public List<DropEntry> adminAddresses() {
        long now = wallMillis.getAsLong();
        List<DropEntry> out = new ArrayList<>();
        adminAddresses.forEach((a, until) -> {
            if (until > now) {
                out.add(DropEntry.of(a));
            }
        });
        return out;
    }

    /** Where the firewall's events go (the open incidents' timelines). */
    public void timeline(Consumer<String> sink) {
        this.timeline = sink == null ? s -> { } : sink;
    }

    /** What is in the kernel now, and why, sorted (IPv4 first). */
    public List<Listed> listing() {
        return listing(Integer.MAX_VALUE);
    }

    /** The first {@code limit} elements of {@link #listing()}. */
    public List<Listed> listing(int limit) {
        long now = wallMillis.getAsLong();
        List<Map.Entry<DropEntry, Pushed>> all = new ArrayList<>(pushed.entrySet());
        all.sort(Map.Entry.comparingByKey());
        List<Listed> out = new ArrayList<>(Math.min(limit, all.size()));
        for (Map.Entry<DropEntry, Pushed> e : all) {
            if (out.size() >= limit) {
                break;
            }
            Judgement j = e.getValue().judgement();
            out.add(new Listed(e.getKey().toString(), NftScript.setOf(e.getKey()), j.kind().id(), j.reason(),
                    j.permanent() ? null : Instant.ofEpochMilli(j.untilMillis()),
                    Math.max(0, (e.getValue().kernelEndMillis() - now) / 1000)));
        }
        return out;
    }

    /** Elements in the kernel now. */
    public int elementCount() {
        return pushed.size();
    }

    public boolean up() {
        return up;
    }

    /** The last failure, or null after a success. */
    public String lastError() {
        return lastError;
    }

    public String describe() {
        return backend == null ? "unavailable" : backend.describe();
    }

    public FirewallConfig config() {
        return config;
    }

    /** Packets dropped in the kernel so far, every set and guard together. */
    public long droppedPackets() {
        return counters.packets();
    }

    /** Bytes dropped in the kernel so far. */
    public long droppedBytes() {
        return counters.bytes();
    }

    public int judgedLeftOut() {
        return leftOut;
    }

    private void loop() {
        while (running) {
            try {
                cycle();
            } catch (RuntimeException e) {
                failed("internal", e.getMessage() == null ? e.toString() : e.getMessage());
                LOG.warn("firewall: cycle failed", e);
            }
            LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(CYCLE_MILLIS));
        }
    }

    /** One cycle: plan, push the difference, read counters, check the table. Package-private for tests. */
    void cycle() {
        long now = wallMillis.getAsLong();
        long woken = wokenAtNanos;
        wokenAtNanos = 0;
        long version = sources.version() * 31 + adminAddresses.keySet().hashCode();
        boolean replan = plan == null || woken != 0 || now - plannedAtMillis >= REFRESH_MILLIS
                || (version != planVersion && now - plannedAtMillis >= REPLAN_MILLIS);
        if (replan) {
            List<DropEntry> never = new ArrayList<>(sources.neverDrop());
            never.addAll(adminAddresses());
            plan = DropPlan.of(sources.judgements(now), never, config.maxEntries());
            planVersion = version;
            plannedAtMillis = now;
            if (plan.leftOut() > 0 && leftOut == 0) {
                LOG.warn("firewall: the drop sets are full ({} elements, firewall.maxEntries); {} judged sources stay refused "
                        + "in user space only", config.maxEntries(), plan.leftOut());
            }
            leftOut = plan.leftOut();
            folded = plan.folded();
            DropBackend.Layout layout = new DropBackend.Layout(config.table(), config.hook(), config.interfaces(), sources.ports(),
                    allowEntries(never), config.maxEntries(), config.synRatePerNetwork(), config.connectionsPerSource());
            if (!layout.equals(installed)) {
                needsInstall = true;
                wanted = layout;
            }
        }
        if (needsInstall) {
            if (now >= nextInstallMillis) {
                install(wanted == null ? installed : wanted, plan, now);
            }
        } else if (replan || now >= nextDueMillis) {
            push(plan, now, woken);
        }
        if (!needsInstall && now >= nextCountMillis) {
            nextCountMillis = now + COUNT_MILLIS;
            readCounters();
        }
        if (!needsInstall && now >= nextCheckMillis) {
            nextCheckMillis = now + CHECK_MILLIS;
            check();
        }
    }

    private void install(DropBackend.Layout layout, DropPlan plan, long now) {
        boolean first = installed == null;
        int strays = 0;
        int kept = 0;
        if (first) {
            try {
                for (DropEntry e : backend.elements(layout).keySet()) {
                    if (plan.entries().containsKey(e)) {
                        kept++;
                    } else {
                        strays++;
                    }
                }
            } catch (FirewallException e) {
                // no table left by a previous run
            }
        }
        List<DropBackend.Element> all = new ArrayList<>();
        Map<DropEntry, Pushed> next = new HashMap<>();
        for (Judgement j : plan.entries().values()) {
            long t = timeoutSeconds(j, now);
            all.add(new DropBackend.Element(j.entry(), t));
            next.put(j.entry(), new Pushed(j, now + t * 1000));
        }
        long start = System.nanoTime();
        try {
            backend.install(layout, all);
        } catch (FirewallException e) {
            failed("install", e.getMessage());
            nextInstallMillis = now + RETRY_MILLIS;
            return;
        }
        long took = System.nanoTime() - start;
        pushTimer.record(took, TimeUnit.NANOSECONDS);
        counters.reset(); // the table and its counters were made anew; the totals stay
        pushed.clear();
        pushed.putAll(next);
        recount(now);
        installed = layout;
        needsInstall = false;
        if (first) {
            LOG.info("firewall: {} table {} {} made at the {} hook, guarding ports {}; {} elements in {} ms ({} kept from a "
                    + "previous run, {} strays removed)", backend.describe(), NftScript.family(layout), layout.table(), layout.hook(),
                    layout.ports(), all.size(), took / 1_000_000, kept, strays);
        } else {
            LOG.info("firewall: table {} made anew with {} elements in {} ms", layout.table(), all.size(), took / 1_000_000);
        }
        succeeded();
    }

    private void push(DropPlan plan, long now, long woken) {
        List<DropBackend.Element> put = new ArrayList<>();
        Map<DropEntry, Pushed> written = new HashMap<>();
        Map<String, Integer> newByReason = new TreeMap<>();
        for (Judgement j : plan.entries().values()) {
            if (!j.permanent() && j.untilMillis() <= now) {
                continue; // ended since the plan was made
            }
            Pushed p = pushed.get(j.entry());
            boolean write;
            if (p == null || p.kernelEndMillis() <= now) {
                write = true;
                newByReason.merge(j.reason(), 1, Integer::sum);
            } else if (j.permanent()) {
                write = p.kernelEndMillis() - now < timeoutSeconds(j, now) * 500;
            } else {
                write = Math.abs(j.untilMillis() - p.kernelEndMillis()) > 1_000;
            }
            if (write) {
                long t = timeoutSeconds(j, now);
                put.add(new DropBackend.Element(j.entry(), t));
                written.put(j.entry(), new Pushed(j, now + t * 1000));
            }
        }
        List<DropEntry> remove = new ArrayList<>();
        for (Map.Entry<DropEntry, Pushed> e : pushed.entrySet()) {
            Judgement j = plan.entries().get(e.getKey());
            if (j != null && (j.permanent() || j.untilMillis() > now)) {
                continue;
            }
            if (e.getValue().kernelEndMillis() > now) {
                remove.add(e.getKey());
            } else {
                pushed.remove(e.getKey()); // the kernel has let it go by itself
            }
        }
        if (!put.isEmpty() || !remove.isEmpty()) {
            long start = System.nanoTime();
            try {
                backend.apply(put, remove);
            } catch (FirewallException e) {
                failed("apply", e.getMessage());
                needsInstall = true; // rebuild from the plan next cycle: the mirror may have drifted
                wanted = installed;
                return;
            }
            pushTimer.record(System.nanoTime() - start, TimeUnit.NANOSECONDS);
            if (woken != 0) {
                decisionTimer.record(System.nanoTime() - woken, TimeUnit.NANOSECONDS);
            }
            for (DropEntry e : remove) {
                pushed.remove(e);
            }
            pushed.putAll(written);
            for (Map.Entry<String, Integer> r : newByReason.entrySet()) {
                String text = r.getValue() + (r.getValue() == 1 ? " source" : " sources") + " dropped in the kernel (" + r.getKey() + ")";
                LOG.info("firewall: {}", text);
                timeline.accept(text);
            }
            if (!remove.isEmpty()) {
                String text = remove.size() + (remove.size() == 1 ? " source" : " sources")
                        + " taken out of the kernel (their decision ended or was withdrawn)";
                LOG.info("firewall: {}", text);
                timeline.accept(text);
            }
            succeeded();
        }
        recount(now);
    }

    /** Counts each set's elements and finds when the next one falls due (a renewal or an end). */
    private void recount(long now) {
        long[] counts = new long[NftScript.DROP_SETS.size()];
        long due = now + REFRESH_MILLIS;
        for (Map.Entry<DropEntry, Pushed> e : pushed.entrySet()) {
            counts[NftScript.DROP_SETS.indexOf(NftScript.setOf(e.getKey()))]++;
            Pushed p = e.getValue();
            long at = p.judgement().permanent() ? p.kernelEndMillis() - timeoutSeconds(p.judgement(), now) * 500 + 1 : p.kernelEndMillis();
            due = Math.min(due, at);
        }
        for (int i = 0; i < counts.length; i++) {
            perSet.get(NftScript.DROP_SETS.get(i)).set(counts[i]);
        }
        nextDueMillis = due;
    }

    private void readCounters() {
        Map<String, DropBackend.Count> now;
        try {
            now = backend.counters();
        } catch (FirewallException e) {
            check(); // gone or changed? says so, and rebuilds
            if (!needsInstall) {
                failed("read", e.getMessage());
                needsInstall = true;
                wanted = installed;
            }
            return;
        }
        counters.read(now);
    }

    private void check() {
        try {
            if (!backend.intact()) {
                failed("changed", "table " + config.table() + " was changed or removed by someone else; making it anew");
                needsInstall = true;
                wanted = installed;
            }
        } catch (FirewallException e) {
            failed("read", e.getMessage());
            needsInstall = true;
            wanted = installed;
        }
    }

    private long timeoutSeconds(Judgement j, long now) {
        if (j.permanent()) {
            long full = Math.max(1, config.permanentTimeout().toSeconds());
            return full - Math.floorMod(j.entry().hashCode(), Math.max(1, full / 4 + 1));
        }
        return Math.max(1, (j.untilMillis() - now + 999) / 1000);
    }

    private static List<DropEntry> allowEntries(List<DropEntry> never) {
        List<DropEntry> out = new ArrayList<>(new java.util.TreeSet<>(never));
        return out;
    }

    private void failed(String kind, String message) {
        errors.incrementAndGet();
        up = false;
        if (!message.equals(lastError)) {
            LOG.error("firewall: {} failed: {}; refusals go on in user space", kind, message);
            lastError = message;
        }
    }

    private void succeeded() {
        if (!up) {
            up = true;
            if (lastError != null) {
                LOG.info("firewall: in step with the kernel again");
            }
            lastError = null;
        }
    }

    /** Stops the loop; the table stays, its elements expiring by themselves, for the next start to reconcile. */
    @Override
    public void close() {
        running = false;
        LockSupport.unpark(thread);
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (backend != null) {
            backend.close();
        }
    }
}

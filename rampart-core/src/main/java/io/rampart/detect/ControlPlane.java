package io.rampart.detect;

import io.rampart.config.DetectionConfig;
import io.rampart.config.MitigationStep;
import io.rampart.metrics.GatewayMetrics;
import io.rampart.mitigate.Policy;
import io.rampart.mitigate.PolicyHolder;
import io.rampart.mitigate.SitePolicy;
import io.rampart.traffic.TrafficRecorder;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane: once per tick, on its own thread, every site's traffic is read, judged and
 * answered with a new {@link Policy} that the data plane picks up through one volatile read.
 * Nothing here runs on an event loop. Baselines and remembered signatures are saved to the state
 * directory every minute and on close.
 */
public final class ControlPlane implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(ControlPlane.class);
    private static final long SAVE_EVERY_NANOS = 60_000_000_000L;
    /** Attacks rehearsed at start (see {@link Rehearsal}). */
    private static final int REHEARSALS = 3;
    /** Whether this process has rehearsed already (a second control plane, as in tests, would gain nothing). */
    private static final java.util.concurrent.atomic.AtomicBoolean REHEARSED = new java.util.concurrent.atomic.AtomicBoolean();

    /** Replaced by {@link #tune}; the tick and baseline half-life never change while running. */
    private DetectionConfig config;
    /** The sites being watched, in configuration order; replaced by {@link #sites(List)}. */
    private List<SiteControl> sites = new ArrayList<>();
    /** Every site ever watched, by name: one removed by a reload and added back finds its baseline again. */
    private final java.util.Map<String, SiteControl> known = new java.util.HashMap<>();
    private final SiteControl.EventSink sink;
    private long seed;
    private final PolicyHolder holder;
    private final Clock clock;
    private final StateStore store;
    private final GatewayMetrics metrics;
    private final double tickSeconds;
    private volatile ControlListener listener;
    private ScheduledExecutorService executor;
    private long lastSave;
    private long operatorRuleCount;
    private volatile io.rampart.cluster.Decisions decisions = io.rampart.cluster.Decisions.NONE;

    /**
     * One site as the control plane needs it.
     *
     * @param slot where the site's policy goes in the published {@link Policy} (the data plane's site index)
     */
    public record SiteSpec(String name, int slot, TrafficRecorder recorder, BooleanSupplier saturated, MitigationStep pin) {
    }

    public ControlPlane(DetectionConfig config, List<SiteSpec> specs, PolicyHolder holder, Clock clock, StateStore store,
                        GatewayMetrics metrics) {
        this.config = config;
        this.holder = holder;
        this.clock = clock;
        this.store = store;
        this.metrics = metrics;
        this.tickSeconds = config.tick().toNanos() / 1e9;
        this.seed = store.hashKey();
        this.sink = new SiteControl.EventSink() {
            @Override
            public void transition(Transition t) {
                SiteControl.log(t);
                ControlListener l = listener;
                if (l != null) {
                    l.transition(t);
                }
                if (metrics != null) {
                    metrics.count(TRANSITIONS, TRANSITIONS_HELP, t.site(), "to", t.to().id(), 1);
                }
            }

            @Override
            public void event(String site, RuleEvent e) {
                SiteControl.log(site, e.text());
                ControlListener l = listener;
                if (l != null) {
                    l.event(site, e);
                }
            }

            @Override
            public void deployed(String site, Signature s) {
                io.rampart.cluster.Decisions d = decisions;
                if (d.enabled()) {
                    d.publish(io.rampart.cluster.SharedDecision.Kind.AUTO_RULE, site, SharedRules.encode(s, store.hashKey()),
                            clock.millis() + ControlPlane.this.config.ruleTtl().toMillis(), "detection");
                }
            }
        };
        sites(specs);
    }

    /**
     * Watches these sites from now on, in this order (a reload that adds, removes or reorders
     * sites). A site already watched keeps its baseline, rules and pin; a new one starts learning
     * (from the state directory, if an earlier run saved it); a removed one stops being judged and
     * its rules stop being published. The new policy is published before this returns.
     */
    public synchronized void sites(List<SiteSpec> specs) {
        List<SiteControl> next = new ArrayList<>();
        for (SiteSpec s : specs) {
            // a known site keeps its slot, recorder and admission signal: all are the site's own for
            // the life of the process (the data plane keeps them by name too)
            SiteControl sc = known.get(s.name());
            if (sc == null) {
                sc = new SiteControl(s.name(), s.slot(), s.recorder(), s.saturated(), s.pin(), config, seed++, sink);
                store.restore(sc);
                known.put(s.name(), sc);
                bindMeters(sc);
            } else if (!sites.contains(sc)) {
                sc.steppedAt = 0; // back after a reload removed it: its clock starts again, not from before
            }
            next.add(sc);
        }
        sites = next;
        publish();
    }

    /**
     * Applies new detection settings to every site (a reload): thresholds, collateral limits,
     * ladder timings, {@code maxStep} and {@code shadow} take effect from the next tick, and a
     * change that alters the rules in force (shadow, a lowered maxStep) is published at once.
     * {@code enabled}, {@code tick}, {@code stateDir} and {@code baselineHalfLife} need a restart.
     */
    public synchronized void tune(DetectionConfig next) {
        this.config = next;
        for (SiteControl sc : known.values()) {
            sc.tune(next);
            sc.book.takeChanged();
        }
        publish();
    }

    private static final String TRANSITIONS = "rampart.detection.transitions";
    private static final String TRANSITIONS_HELP = "Changes of a site's detected state, by new state";
    private static final String RULE_MATCHES = "rampart.detection.rule_matches";
    private static final String RULE_MATCHES_HELP = "Requests matched by automatic rules, by the rung they were on";

    private void bindMeters(SiteControl sc) {
        if (metrics == null) {
            return;
        }
        // every labelled series exists from the start, at zero: alerts and panels never query a missing one
        for (SiteState st : SiteState.values()) {
            metrics.gauge("rampart.detection.status", "1 for the site's detected state, 0 for the others", sc.name, "state", st.id(),
                    () -> sc.state() == st ? 1 : 0);
            metrics.count(TRANSITIONS, TRANSITIONS_HELP, sc.name, "to", st.id(), 0);
        }
        for (MitigationStep step : MitigationStep.values()) {
            metrics.count(RULE_MATCHES, RULE_MATCHES_HELP, sc.name, "step", step.id(), 0);
        }
        metrics.gauge("rampart.detection.state", "Detected state: 0 normal, 1 suspect, 2 attack, 3 flash crowd, 4 recovering",
                sc.name, () -> sc.state().ordinal());
        metrics.gauge("rampart.detection.rules", "Automatic rules in force", sc.name, () -> sc.book.live().size());
        metrics.gauge("rampart.detection.widened", "1 while every unknown client of the site is challenged automatically",
                sc.name, () -> sc.book.widened() ? 1 : 0);
    }

    /** Who hears every tick, transition and rule event (the incident recorder); set before {@link #start}. */
    public void listen(ControlListener l) {
        this.listener = l;
    }

    /**
     * Starts ticking on a daemon thread of its own. The thread wakes every {@link #glanceNanos}
     * (a fifth of a tick, 10-100 ms) and {@linkplain #glance glances} at every site: a site whose
     * tick is due is stepped, and so is one whose traffic since its last tick already
     * {@linkplain SiteControl#surging surges}. A flood is judged within about a glance of the
     * moment it holds a tick's worth of evidence, not at the end of the tick it began in.
     */
    public synchronized void start() {
        if (executor != null) {
            return;
        }
        executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rampart-control");
            t.setDaemon(true);
            return t;
        });
        if (REHEARSED.compareAndSet(false, true)) { // compiled code is the process's: once is enough
            executor.execute(this::rehearse);
        }
        long every = glanceNanos();
        executor.scheduleAtFixedRate(this::safeGlance, every, every, TimeUnit.NANOSECONDS);
    }

    /** Rehearses an attack on a scratch site (see {@link Rehearsal}); its result is only logged. */
    private void rehearse() {
        long t0 = System.nanoTime();
        try {
            int found = Rehearsal.run(config, REHEARSALS);
            LOG.debug("detection rehearsed {} attacks in {} ms ({} found a rule)", REHEARSALS, (System.nanoTime() - t0) / 1_000_000, found);
        } catch (RuntimeException e) {
            LOG.warn("detection rehearsal failed; the first attack will be judged by code not yet compiled", e);
        }
    }

    /** How often the control thread wakes: a fifth of a tick, within 10-100 ms. */
    long glanceNanos() {
        return Math.max(10_000_000L, Math.min(100_000_000L, config.tick().toNanos() / 5));
    }

    private void safeGlance() {
        try {
            glance(System.nanoTime());
        } catch (RuntimeException e) {
            LOG.error("control plane tick failed; the last policy stays in force", e);
        }
    }

    /**
     * One glance at {@code nanos} ({@link System#nanoTime}): steps each site whose tick is due
     * (its length is the time since that site's last step), and each site that is surging before
     * its tick is due, early (judged, not learned from). A site's first glance only starts its
     * clock. An early tick that leaves a site as it was spends the site's early step until its
     * next full tick: a surge that does not move the detector is judged at the normal pace.
     */
    synchronized void glance(long nanos) {
        Instant at = clock.instant();
        int hour = hour(at);
        long due = config.tick().toNanos() - glanceNanos() / 2;
        boolean changed = false;
        for (SiteControl s : sites) {
            if (s.steppedAt == 0) {
                s.steppedAt = nanos;
                continue;
            }
            long elapsed = nanos - s.steppedAt;
            double seconds = elapsed / 1e9;
            if (elapsed >= due) {
                s.earlySpent = false;
            } else if (s.earlySpent || !s.surging(seconds, tickSeconds, hour)) {
                continue;
            }
            boolean early = elapsed < due;
            SiteState before = s.detector.state();
            changed |= stepSite(s, at, seconds, hour, early);
            s.steppedAt = nanos;
            s.earlySpent = early && s.detector.state() == before;
        }
        finishTick(changed);
    }

    /** One tick for every site (tests call it directly with a fixed clock; the scheduler {@linkplain #glance glances}). */
    public synchronized void tick() {
        Instant at = clock.instant();
        int hour = hour(at);
        boolean changed = false;
        for (SiteControl s : sites) {
            changed |= stepSite(s, at, tickSeconds, hour, false);
        }
        finishTick(changed);
    }

    private int hour(Instant at) {
        return at.atZone(clock.getZone() == null ? ZoneId.systemDefault() : clock.getZone()).getHour();
    }

    /** Steps one site for a tick of {@code seconds}, tells the listener and the metrics; returns whether its policy changed. */
    private boolean stepSite(SiteControl s, Instant at, double seconds, int hour, boolean early) {
        boolean changed = s.step(at, seconds, hour, early);
        ControlListener heard = listener;
        if (heard != null) {
            try {
                heard.tick(new TickFacts(s, at, seconds));
            } catch (RuntimeException e) {
                LOG.error("incident bookkeeping failed for site {}; detection goes on", s.name, e);
            }
        }
        if (metrics != null) {
            for (RuleBook.Live l : s.book.live()) {
                if (l.rate > 0) {
                    metrics.count(RULE_MATCHES, RULE_MATCHES_HELP, s.name, "step", l.step.id(), l.rate * seconds);
                }
            }
        }
        return changed;
    }

    private void finishTick(boolean changed) {
        if (changed) {
            publish();
        }
        long nanos = System.nanoTime();
        if (store.keeps() && nanos - lastSave >= SAVE_EVERY_NANOS) {
            lastSave = nanos;
            save();
        }
    }

    /** Pins a site's mitigation to one rung ({@code null}: automatic again). Returns false for an unknown site. */
    public synchronized boolean pin(String site, MitigationStep step) {
        for (SiteControl s : sites) {
            if (s.name.equals(site)) {
                s.pin = step;
                SiteControl.log(site, step == null ? "pin removed: mitigation is automatic again" : "pinned by the operator at " + step);
                publish();
                decisions.publish(io.rampart.cluster.SharedDecision.Kind.PIN, site,
                        java.util.Map.of("step", step == null ? "auto" : step.id()), 0, "operator");
                return true;
            }
        }
        return false;
    }

    /**
     * Puts one automatic rule in shadow (counted and logged, not enforced) or back in force, and
     * publishes the change at once. Returns false when no site has a rule with that id.
     */
    public synchronized boolean shadowRule(String ruleId, boolean on) {
        for (SiteControl s : sites) {
            if (s.book.shadow(ruleId, on)) {
                s.book.takeChanged();
                publish();
                if (decisions.enabled()) {
                    for (RuleBook.Live l : s.book.live()) {
                        if (l.id.equals(ruleId)) { // the other nodes know the rule by its conditions, not this node's id
                            java.util.Map<String, String> args = new java.util.HashMap<>(SharedRules.encode(l.signature, store.hashKey()));
                            args.put("on", Boolean.toString(on));
                            decisions.publish(io.rampart.cluster.SharedDecision.Kind.RULE_SHADOW, s.name, args, 0, "operator");
                        }
                    }
                }
                return true;
            }
        }
        return false;
    }

    /** Shadows (or enforces again) the automatic rule of {@code site} with the conditions another node named. */
    public synchronized boolean shadowSharedRule(String site, java.util.Map<String, String> args) {
        SiteControl s = site(site);
        Signature sig = SharedRules.decode(args, store.hashKey());
        if (s == null || sig == null) {
            return false;
        }
        for (RuleBook.Live l : s.book.live()) {
            if (l.signature.conditions().equals(sig.conditions())) {
                return shadowRule(l.id, Boolean.parseBoolean(args.get("on")));
            }
        }
        return false;
    }

    /**
     * Adds an operator's rule to {@code site}: enforced at {@code step} at once, ahead of the
     * automatic rules, for {@code ttl} (null: until removed).
     *
     * @return the rule's id
     * @throws IllegalArgumentException for an unknown site, a step that is not a rule step, or a malformed match
     */
    private volatile io.rampart.geo.GeoLookup geo = io.rampart.geo.GeoLookup.NONE;

    /** Where operator rules on {@code asn} and {@code country} are checked against (none: such rules are refused). */
    public void geo(io.rampart.geo.GeoLookup lookup) {
        this.geo = lookup == null ? io.rampart.geo.GeoLookup.NONE : lookup;
    }

    public synchronized String addRule(String site, java.util.Map<String, String> match, MitigationStep step,
                                       java.time.Duration ttl, String by) {
        String id = "op-" + Long.toString(++operatorRuleCount, 36) + "-" + Long.toString(clock.millis() % 1_000_000, 36)
                + (decisions.enabled() ? "-" + decisions.node() : "");
        Instant until = ttl == null ? null : clock.instant().plus(ttl);
        addRule(id, site, match, step, until, by);
        java.util.Map<String, String> args = new java.util.HashMap<>();
        args.put("id", id);
        args.put("step", step.id());
        match.forEach((k, v) -> args.put("match." + k, v));
        decisions.publish(io.rampart.cluster.SharedDecision.Kind.RULE_ADD, site, args, until == null ? 0 : until.toEpochMilli(), by);
        return id;
    }

    /**
     * Adds an operator's rule another node of the cluster added (same id, same end); nothing when a
     * rule with that id is already here or its end has passed.
     */
    public synchronized void addSharedRule(String id, String site, java.util.Map<String, String> match, MitigationStep step,
                                           Instant until, String by) {
        if (until != null && !until.isAfter(clock.instant())) {
            return;
        }
        for (SiteControl s : sites) {
            for (SiteControl.OperatorRule r : s.operatorRules) {
                if (r.rule().id().equals(id)) {
                    return;
                }
            }
        }
        addRule(id, site, match, step, until, by);
    }

    /**
     * Deploys an automatic rule another node found, when its feature key is this node's (else the
     * rule's hashes mean other requests here, and it is ignored). Returns whether it was deployed.
     */
    public synchronized boolean deploySharedRule(String site, java.util.Map<String, String> args, String fromNode) {
        SiteControl s = site(site);
        Signature sig = SharedRules.decode(args, store.hashKey());
        if (s == null || sig == null) {
            return false;
        }
        boolean deployed = s.deployShared(sig, fromNode, decisions.node());
        if (deployed && s.book.takeChanged()) {
            publish();
        }
        return deployed;
    }

    private void addRule(String id, String site, java.util.Map<String, String> match, MitigationStep step, Instant until, String by) {
        SiteControl s = site(site);
        if (s == null) {
            throw new IllegalArgumentException("site: no site named '" + site + "'");
        }
        if (step == null || step == MitigationStep.UNDER_ATTACK || step.compareTo(MitigationStep.LIMIT) < 0) {
            throw new IllegalArgumentException("step: expected limit, challenge, block or close");
        }
        java.util.List<io.rampart.mitigate.Condition> conditions = OperatorRules.conditions(match, store.hasher(), geo.enabled());
        io.rampart.mitigate.Rule rule = new io.rampart.mitigate.Rule(id, conditions, step, false,
                new java.util.concurrent.atomic.LongAdder(), true);
        Instant now = clock.instant();
        s.operatorRules.add(new SiteControl.OperatorRule(rule, until, by, now, java.util.Map.copyOf(match)));
        s.operatorEvent("rule " + id + " added by " + by + " at " + step + ": " + rule.describe()
                + (until == null ? "" : " for " + io.rampart.config.Durations.format(java.time.Duration.between(now, until)))
                + (io.rampart.cluster.Decisions.remote() ? " (on another node of the cluster)" : ""));
        publish();
    }

    /**
     * What an operator's rule matching {@code match} would cost before it is added: the share of
     * the site's normal traffic (its baseline's sample of whole requests) it would have hit, and
     * how many requests the sample holds. The same estimate the detector uses for its own rules'
     * collateral, so an unknown value counts as a match (over, never under).
     *
     * @throws IllegalArgumentException for an unknown site or a malformed match
     */
    public synchronized RulePreview preview(String site, java.util.Map<String, String> match) {
        SiteControl s = site(site);
        if (s == null) {
            throw new IllegalArgumentException("site: no site named '" + site + "'");
        }
        java.util.List<io.rampart.mitigate.Condition> conditions = OperatorRules.conditions(match, store.hasher(), geo.enabled());
        int sample = s.baseline.sampleSize();
        return new RulePreview(site, sample, sample == 0 ? null : s.baseline.share(SignatureSearch.rows(conditions)),
                s.baseline.knowsEnough());
    }

    /**
     * @param normalShare share of normal traffic the rule would hit (null: no normal traffic learned yet)
     * @param sample      requests in the baseline's sample
     * @param settled     whether the baseline knows enough to judge (else the share is a first guess)
     */
    public record RulePreview(String site, int sample, Double normalShare, boolean settled) {
    }

    /** Removes an operator's rule; false when no site has one with that id (automatic rules expire by themselves). */
    public synchronized boolean removeRule(String id, String by) {
        for (SiteControl s : sites) {
            for (java.util.Iterator<SiteControl.OperatorRule> it = s.operatorRules.iterator(); it.hasNext(); ) {
                SiteControl.OperatorRule r = it.next();
                if (r.rule().id().equals(id)) {
                    it.remove();
                    s.operatorEvent("rule " + id + " removed by " + by);
                    publish();
                    decisions.publish(io.rampart.cluster.SharedDecision.Kind.RULE_REMOVE, s.name, java.util.Map.of("id", id), 0, by);
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * What this node has decided and still holds, as decisions the cluster can replay: operator
     * rules (with their remaining time), pins, automatic rules. For a store that lost its log.
     */
    public synchronized List<io.rampart.cluster.SharedDecision> standing() {
        List<io.rampart.cluster.SharedDecision> out = new ArrayList<>();
        long now = clock.millis();
        for (SiteControl s : sites) {
            for (SiteControl.OperatorRule r : s.operatorRules) {
                java.util.Map<String, String> args = new java.util.HashMap<>();
                args.put("id", r.rule().id());
                args.put("step", r.rule().step().id());
                r.match().forEach((k, v) -> args.put("match." + k, v));
                out.add(new io.rampart.cluster.SharedDecision(io.rampart.cluster.SharedDecision.Kind.RULE_ADD, s.name, args,
                        r.until() == null ? 0 : r.until().toEpochMilli(), r.by(), decisions.node()));
            }
            if (s.pin != null) {
                out.add(new io.rampart.cluster.SharedDecision(io.rampart.cluster.SharedDecision.Kind.PIN, s.name,
                        java.util.Map.of("step", s.pin.id()), 0, "operator", decisions.node()));
            }
            for (RuleBook.Live l : s.book.live()) {
                long left = Math.round(Math.max(0, s.book.ttlTicks() - l.idleTicks) * tickSeconds * 1000);
                out.add(new io.rampart.cluster.SharedDecision(io.rampart.cluster.SharedDecision.Kind.AUTO_RULE, s.name,
                        SharedRules.encode(l.signature, store.hashKey()), now + Math.max(1, left), "detection", decisions.node()));
            }
        }
        return out;
    }

    /**
     * This node's share of the cluster's requests (from the heartbeats; 1 alone):
     * {@code detection.minRate} is then the cluster's rate, each node judging against its share.
     */
    public synchronized void share(double s) {
        for (SiteControl sc : sites) {
            sc.share(s);
        }
    }

    /** Where this node's pins, operator rules and automatic rules go out to the other nodes of a cluster. */
    public void decisions(io.rampart.cluster.Decisions d) {
        this.decisions = d == null ? io.rampart.cluster.Decisions.NONE : d;
    }

    /** Publishes every watched site's policy at its slot (slots of no watched site stay quiet). */
    private void publish() {
        int n = 0;
        for (SiteControl s : sites) {
            n = Math.max(n, s.slot + 1);
        }
        SitePolicy[] p = new SitePolicy[n];
        java.util.Arrays.fill(p, SitePolicy.QUIET);
        for (SiteControl s : sites) {
            p[s.slot] = s.policy();
        }
        holder.set(new Policy(p));
    }

    /** One site's control, by name (for the baseline seeder), or null. */
    synchronized SiteControl site(String name) {
        for (SiteControl s : sites) {
            if (s.name.equals(name)) {
                return s;
            }
        }
        return null;
    }

    /**
     * A rule at {@code block} or {@code close} that matches on its source alone, for the kernel
     * firewall: its sources as written ({@code 198.51.100.0/24}, an address) and the milliseconds it
     * has left ({@code -1}: until an operator removes it), and whether an operator added it.
     */
    public record SourceRule(String site, String id, String step, List<String> sources, long millisLeft, boolean byOperator) {
    }

    /** The enforced rules whose match is their source alone, every site's. */
    public synchronized List<SourceRule> sourceRules() {
        List<SourceRule> out = new ArrayList<>();
        java.time.Instant now = clock.instant();
        for (SiteControl s : sites) {
            s.sourceRules(out, now, tickSeconds);
        }
        return out;
    }

    /**
     * Each site's running totals for the traffic history: known users' requests and failures
     * since start, the distinct sources of the last tick, and each rule's matches since it came
     * (the history keeps their differences, as it does the gateway's counters).
     */
    public synchronized List<SiteTotals> totals() {
        List<SiteTotals> out = new ArrayList<>(sites.size());
        for (SiteControl s : sites) {
            java.util.Map<String, Long> rules = new java.util.LinkedHashMap<>();
            for (SiteControl.OperatorRule o : s.operatorRules) {
                rules.put(o.rule().id(), o.rule().hits().sum());
            }
            for (RuleBook.Live l : s.book.live()) {
                rules.put(l.id, l.totalHits);
            }
            out.add(new SiteTotals(s.name, s.knownTotal, s.knownFailedTotal, s.tick.distinctSources, rules));
        }
        return out;
    }

    /** One site's running totals ({@link #totals()}). */
    public record SiteTotals(String site, long known, long knownFailed, long sources, java.util.Map<String, Long> ruleMatches) {
    }

    /** What each site looks like now, for the admin API and tests. */
    public synchronized List<SiteView> view() {
        List<SiteView> out = new ArrayList<>();
        for (SiteControl s : sites) {
            out.add(SiteView.of(s));
        }
        return out;
    }

    private void save() {
        try {
            store.save(known.values());
        } catch (RuntimeException | java.io.IOException e) {
            LOG.warn("could not save detection state to {}: {}", store.file(), e.toString());
        }
    }

    @Override
    public synchronized void close() {
        if (executor != null) {
            executor.shutdownNow();
            executor = null;
        }
        if (store.keeps()) {
            save();
        }
    }
}

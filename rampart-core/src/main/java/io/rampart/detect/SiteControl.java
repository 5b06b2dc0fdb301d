package io.rampart.detect;

import io.rampart.config.DetectionConfig;
import io.rampart.config.MitigationStep;
import io.rampart.mitigate.Condition;
import io.rampart.mitigate.Rule;
import io.rampart.mitigate.SitePolicy;
import io.rampart.traffic.Dimension;
import io.rampart.traffic.TrafficRecorder;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Locale;
import java.util.function.BooleanSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The control plane's work for one site, once per tick: drain the recorder, read the signals
 * against the baseline, step the detector, recall or search signatures under attack, age the
 * rules on the ladder, and learn the tick into the baseline when it was normal.
 */
final class SiteControl {
    private static final Logger LOG = LoggerFactory.getLogger("io.rampart.detect");
    static final int HISTORY = 100;

    final String name;
    /** Where the site's policy goes in the published policy (the data plane's site index). */
    final int slot;
    final TrafficRecorder recorder;
    private final BooleanSupplier saturated;
    volatile MitigationStep pin;
    final Baseline baseline;
    final Detector detector;
    final Signals signals = new Signals();
    final RuleBook book;
    final SignatureMemory memory = new SignatureMemory();
    private final SignatureSearch search;
    private int learnTicks;
    private double minRate;
    /** {@code detection.minRate} itself: the floor while this node is still learning, whatever its share. */
    private double fullMinRate;
    /** This node's share of the cluster's requests (1 alone): {@code detection.minRate} is the cluster's. */
    private double share = 1;
    private DetectionConfig tuned;
    /** How long the current cold surge has lasted, in seconds of ticks (early ticks included: it is time, not ticks). */
    private double coldSurgeSeconds;
    /** Normal ticks not learned yet, oldest first ({@code detection.learnDelay}). */
    private final Deque<Baseline.Lesson> lessons = new ArrayDeque<>();
    private int learnDelayTicks;
    final TrafficRecorder.Tick tick = new TrafficRecorder.Tick();
    final Deque<Transition> transitions = new ArrayDeque<>();
    final Deque<String> events = new ArrayDeque<>();
    private final EventSink sink;
    private Instant now = Instant.EPOCH;
    String explanation = "no traffic seen yet";
    private String lastRefusal;
    long ticks;
    /** When the control thread last stepped this site ({@link System#nanoTime}; 0: not yet). */
    long steppedAt;
    /** An early step that moved nothing was taken since the last full tick (see {@link ControlPlane#glance}). */
    boolean earlySpent;
    /** Since start: known users' requests, and those of them refused or failed by the origin (the history's success line). */
    long knownTotal;
    long knownFailedTotal;

    /** Where transitions and rule changes go besides the site's own history (log, metrics, incidents). */
    interface EventSink {
        void transition(Transition t);

        void event(String site, RuleEvent e);

        /** An automatic rule this node's own detection deployed (the cluster shares it). */
        default void deployed(String site, Signature s) {
        }
    }

    SiteControl(String name, int slot, TrafficRecorder recorder, BooleanSupplier saturated, MitigationStep pin, DetectionConfig c,
                long seed, EventSink sink) {
        this.name = name;
        this.slot = slot;
        this.recorder = recorder;
        this.saturated = saturated;
        this.pin = pin;
        this.sink = sink;
        double tickSeconds = c.tick().toNanos() / 1e9;
        this.baseline = new Baseline(c.baselineHalfLife().toNanos() / 1e9 / tickSeconds, seed);
        this.learnTicks = ticks(c.learnFor(), tickSeconds);
        this.learnDelayTicks = delayTicks(c, tickSeconds);
        this.minRate = c.minRate();
        this.fullMinRate = c.minRate();
        this.tuned = c;
        this.detector = new Detector(c.surgeFactor(), c.minRate(), c.novelty(), Math.max(2, ticks(java.time.Duration.ofSeconds(5), tickSeconds)),
                ticks(c.recoverFor(), tickSeconds));
        this.search = new SignatureSearch(c.maxCollateral(), c.challengeCollateral());
        this.book = new RuleBook(name, ticks(c.escalateAfter(), tickSeconds), ticks(c.stepDownAfter(), tickSeconds),
                ticks(c.ruleTtl(), tickSeconds), ticks(c.widenAfter(), tickSeconds), c.maxStep(), c.shadow(), this::ruleEvent);
        // at the first strained tick under attack (a cold site has nothing narrower to try first); ended by a second of calm
        this.book.coldWiden(1, ticks(java.time.Duration.ofSeconds(1), tickSeconds));
    }

    /**
     * Takes new detection settings (a reload). The tick and the baseline's half-life stay as they
     * were built (they shape what was learned); everything else applies from the next tick.
     */
    void tune(DetectionConfig c) {
        double tickSeconds = c.tick().toNanos() / 1e9;
        this.learnTicks = ticks(c.learnFor(), tickSeconds);
        this.learnDelayTicks = delayTicks(c, tickSeconds);
        this.minRate = c.minRate() * share;
        this.fullMinRate = c.minRate();
        detector.tune(c.surgeFactor(), minRate, c.novelty(), ticks(c.recoverFor(), tickSeconds));
        this.tuned = c;
        search.tune(c.maxCollateral(), c.challengeCollateral());
        book.tune(ticks(c.escalateAfter(), tickSeconds), ticks(c.stepDownAfter(), tickSeconds), ticks(c.ruleTtl(), tickSeconds),
                ticks(c.widenAfter(), tickSeconds), c.maxStep(), c.shadow());
    }

    private static int delayTicks(DetectionConfig c, double tickSeconds) {
        return c.learnDelay().isZero() ? 0 : ticks(c.learnDelay(), tickSeconds);
    }

    private static int ticks(java.time.Duration d, double tickSeconds) {
        return (int) Math.max(1, Math.round(d.toNanos() / 1e9 / tickSeconds));
    }

    /**
     * This node's share of the cluster's requests: {@code detection.minRate} is a rate for the whole
     * cluster, so a node seeing a third of the traffic judges against a third of it (a flood spread
     * thinly over the nodes is as visible as on one node).
     */
    void share(double s) {
        double next = Math.max(0.05, Math.min(1, s));
        if (next != share && tuned != null) {
            share = next;
            tune(tuned);
        }
    }

    /**
     * Whether the traffic since the last tick, {@code seconds} of it, already holds what a whole
     * tick would need to be judged a surge, so that it is worth judging now instead of at the end of
     * the tick (see {@link ControlPlane#glance}). Only a site that is normal or suspect is looked at:
     * one under attack has its rules, one in a flash crowd is known to be busy.
     *
     * <p>The test is on the count so far, read as a lower bound of the whole tick's rate (as if
     * nothing more arrived before the tick ends), never on the rate over the part of a tick gone
     * by: in a normal site's first tenth of a second, a page and its assets are a "rate" of
     * hundreds. A site that has learned trips when that lower bound already passes the detector's
     * own surge test ({@code surgeFactor} times the expected rate, four standard deviations above
     * it, {@code minRate}): the full tick would be a surge whatever came next, so nothing is
     * judged early that would not have been judged at the tick. A site still learning, whose
     * rates mean little, trips only on ten times what it has learned (the detector's
     * "overwhelming") with the origin strained (admission saturated, or answers three times
     * slower than learned): without strain such a site can judge nothing but normal, and its
     * early ticks would only take ticks away from what it learns. (Found in the lab's `cgnat`,
     * where early ticks during a start-up crowd left it learned from the crowd's peak alone.)
     */
    boolean surging(double seconds, double tickSeconds, int hour) {
        SiteState state = detector.state();
        if (state != SiteState.NORMAL && state != SiteState.SUSPECT || seconds <= 0) {
            return false;
        }
        boolean learned = baseline.ticks() >= learnTicks && baseline.knowsEnough();
        double floor = learned ? minRate : fullMinRate;
        double expected = baseline.expectedRate(hour);
        if (learned) {
            return recorder.pending() >= detector.surgeRate(floor, expected, baseline.rateSigma()) * tickSeconds;
        }
        return recorder.pending() >= Detector.overwhelmingRate(floor, expected) * tickSeconds && strainedNow();
    }

    /** The origin strained since the last tick, read without draining: admission saturated, or answers three times slower. */
    private boolean strainedNow() {
        if (saturated.getAsBoolean()) {
            return true;
        }
        double learnedMicros = baseline.latencyMicros();
        return learnedMicros > 0 && recorder.pendingOriginMicros() >= Detector.STRAINED_LATENCY * learnedMicros;
    }

    /** One tick of {@code seconds} ending at {@code at} ({@code hour}: 0-23, local). Returns whether the site's policy changed. */
    boolean step(Instant at, double seconds, int hour) {
        return step(at, seconds, hour, false);
    }

    /**
     * As {@link #step(Instant, double, int)}; {@code early} when a surge cut the tick short (see
     * {@link #surging}): an early tick is judged like any other but never learned from, since what
     * made it early is not what normal looks like.
     */
    boolean step(Instant at, double seconds, int hour, boolean early) {
        now = at;
        ticks++;
        recorder.drain(tick);
        knownTotal += tick.known;
        knownFailedTotal += tick.knownRefused + tick.knownErrors;
        boolean learned = baseline.ticks() >= learnTicks && baseline.knowsEnough();
        // a node still learning cannot judge ratios, so it keeps the whole floor: with a cluster's share
        // of it, a cold node took any ramp of new traffic (a warm-up, a campaign's first visitors) for an attack
        detector.floor(learned ? minRate : fullMinRate);
        signals.read(tick, seconds, baseline, hour, learned, saturated.getAsBoolean());
        double rate = signals.rate;
        // what legitimate traffic there is now: no more than normal, and no more than the part that is not novel
        double notNovel = rate * Math.max(0, 1 - signals.maxNovelty());
        double legitRate = learned ? Math.min(Math.min(rate, signals.expected), Math.max(notNovel, 1)) : notNovel;
        boolean[] covered = covered();
        // cold start: until the baseline knows enough, the static limits and admission are the only defence
        SignatureMemory.Remembered recalled = learned && rate >= minRate
                ? memory.recall(tick, covered, rate, legitRate, baseline, minRate) : null;
        SiteState before = detector.state();
        // rules still matching a flood mean the attack goes on, even when they keep the rate off the origin
        boolean rulesBusy = book.matchingRate() >= Math.max(minRate, 3 * legitRate);
        SiteState after = detector.step(signals, recalled != null, rulesBusy);
        explanation = signals.explain(tick);
        if (after != before) {
            String why = recalled != null && after == SiteState.ATTACK
                    ? "traffic matches the signature of an earlier attack (" + recalled.id + "); " + explanation : explanation;
            if (early) {
                why += String.format(java.util.Locale.ROOT, "; judged early, %.0f ms into the tick", seconds * 1000);
            }
            Transition t = new Transition(at, name, before, after, why);
            remember(transitions, t);
            sink.transition(t);
        }
        double uncovered = uncoveredRate(covered, rate);
        // cold start: a young baseline cannot price a rule's collateral well, but one that has seen
        // some real traffic can still tell a flood's shape from it; while the origin is strained,
        // what it finds is deployed at the challenge rung at most (a person passes it in about a
        // second, a flood that cannot solve is stopped), never blocked on a guess
        boolean coldSearch = !learned && baseline.knowsEnough() && Detector.strained(signals);
        if (after == SiteState.ATTACK && (learned || coldSearch)) {
            if (recalled != null && !book.has(recalled.conditions)) {
                Signature s = new Signature(recalled.conditions, rate, rate - legitRate, 0, recalled.step, MitigationStep.CLOSE);
                deploy(s, recalled.id);
                covered = covered();
            }
            // look for another vector only while what the rules leave is still well above normal
            List<Signature> found = recalled == null && uncovered - legitRate >= Math.max(minRate, legitRate)
                    ? search.search(tick, rate, Math.max(signals.expected, legitRate), baseline, covered) : List.of();
            for (Signature s : found) {
                deploy(learned ? s : challengeAtMost(s), null);
            }
            if (found.isEmpty() && search.lastRefusal != null && !search.lastRefusalKey.equals(lastRefusal)) {
                lastRefusal = search.lastRefusalKey;
                ruleEvent(new RuleEvent(RuleEvent.Kind.REFUSED, search.lastRefusal));
            }
        }
        book.tick(seconds, after, Detector.strained(signals), pin, !learned, signals.rateRatio() >= tuned.surgeFactor());
        for (RuleBook.Live l : book.live()) {
            memory.update(l.signature.conditions(), l.step, at);
        }
        // while the baseline cannot judge, a surge against what it has learned so far is not learned:
        // a flood at cold start must not become the normal it is then compared with. A baseline that
        // has seen next to nothing (a gateway started before its site had visitors) calls nothing a
        // surge, or the site's first real traffic would never be learned at all
        double learnedRate = baseline.expectedRate(hour);
        boolean coldSurge = !learned && baseline.ticks() >= 3 && 10 * learnedRate >= fullMinRate
                && rate >= Math.max(fullMinRate, 10 * learnedRate);
        // ... for at most learnFor: traffic that ramped up after a quiet start and stays there is the
        // site's traffic, and a guard that never lets go would keep detection learning for ever
        coldSurgeSeconds = coldSurge ? coldSurgeSeconds + seconds : 0;
        if (coldSurgeSeconds > tuned.learnFor().toNanos() / 1e9) {
            coldSurge = false;
        }
        // an early tick is neither learned nor a reason to forget the lessons waiting: the next full tick decides
        if (!early) {
            if (after == SiteState.NORMAL && before == SiteState.NORMAL && !coldSurge) {
                // learned only once the ticks after it have stayed normal too: a flood's first ticks,
                // before the detector calls it, would otherwise become part of the normal it is judged
                // against (and its signature would then look like real visitors' traffic)
                lessons.addLast(baseline.lesson(tick, rate, hour, lessons.size()));
                while (lessons.size() > learnDelayTicks) {
                    baseline.learn(lessons.removeFirst());
                }
            } else {
                lessons.clear();
            }
        }
        boolean lapsed = lapseOperatorRules(at);
        return book.takeChanged() || after != before || lapsed;
    }

    /** A rule found on a young baseline: challenge at most, from the start. */
    private static Signature challengeAtMost(Signature s) {
        MitigationStep cap = MitigationStep.CHALLENGE;
        return new Signature(s.conditions(), s.matchedRate(), s.excessRate(), s.collateral(),
                s.firstStep().compareTo(cap) > 0 ? cap : s.firstStep(), s.highestStep().compareTo(cap) > 0 ? cap : s.highestStep());
    }

    private void deploy(Signature s, String recalledFrom) {
        RuleBook.Live l = book.deploy(s, pin, recalledFrom);
        if (l != null) {
            memory.remember(l.id, s.conditions(), l.step, now);
            sink.deployed(name, s);
        }
    }

    /**
     * Deploys an automatic rule another node of the cluster found (nothing when a rule with the same
     * conditions is already in force here: two nodes that find one attack keep one rule). Returns
     * whether it was deployed.
     */
    boolean deployShared(Signature s, String fromNode, String selfNode) {
        RuleBook.Live l = book.deployShared(s, pin, fromNode, selfNode);
        if (l != null) {
            memory.remember(l.id, s.conditions(), l.step, Instant.EPOCH.equals(now) ? Instant.now() : now);
            return true;
        }
        return false;
    }

    /** Requests per second this tick that no rule in force matches. */
    private double uncoveredRate(boolean[] covered, double rate) {
        if (covered == null || tick.sampled == 0) {
            return rate;
        }
        int n = 0;
        for (boolean c : covered) {
            n += c ? 0 : 1;
        }
        return rate * n / tick.sampled;
    }

    /** Which samples of this tick a rule in force already matches. */
    private boolean[] covered() {
        List<RuleBook.Live> live = book.live();
        if (live.isEmpty()) {
            return null;
        }
        boolean[] c = new boolean[tick.sampled];
        for (int i = 0; i < tick.sampled; i++) {
            for (RuleBook.Live l : live) {
                if (SignatureSearch.matches(l.signature.conditions(), tick.samples, i * TrafficRecorder.FIELDS)) {
                    c[i] = true;
                    break;
                }
            }
        }
        return c;
    }

    private void ruleEvent(RuleEvent e) {
        remember(events, now + " " + e.text());
        sink.event(name, e);
    }

    private static <T> void remember(Deque<T> d, T item) {
        if (d.size() >= HISTORY) {
            d.removeFirst();
        }
        d.addLast(item);
    }

    /** A rule the operator added: enforced as given (no ladder) until it lapses or is removed. */
    record OperatorRule(Rule rule, Instant until, String by, Instant added, java.util.Map<String, String> match) {
    }

    /** Rules added by operators, checked before the automatic ones. */
    final List<OperatorRule> operatorRules = new java.util.ArrayList<>();

    /** Drops operator rules past their time; returns whether any lapsed. */
    boolean lapseOperatorRules(Instant at) {
        boolean any = false;
        for (java.util.Iterator<OperatorRule> it = operatorRules.iterator(); it.hasNext(); ) {
            OperatorRule r = it.next();
            if (r.until() != null && !at.isBefore(r.until())) {
                it.remove();
                ruleEvent(new RuleEvent(RuleEvent.Kind.EXPIRED, "rule " + r.rule().id() + " (added by " + r.by() + ") lapsed"));
                any = true;
            }
        }
        return any;
    }

    /**
     * The rules in force at {@code block} or {@code close} that match on their source alone (one
     * condition: an address, a /24 or /64, a /16 or /48), with how long each has left: an automatic
     * rule its time to live without a match, an operator's rule its end (none: -1).
     */
    void sourceRules(List<ControlPlane.SourceRule> out, Instant now, double tickSeconds) {
        for (OperatorRule o : operatorRules) {
            Rule r = o.rule();
            List<String> sources = sourcesOf(r);
            if (sources != null && !r.shadow()) {
                long left = o.until() == null ? -1 : Math.max(0, o.until().toEpochMilli() - now.toEpochMilli());
                out.add(new ControlPlane.SourceRule(name, r.id(), r.step().id(), sources, left, true));
            }
        }
        for (RuleBook.Live l : book.live()) {
            List<String> sources = sourcesOf(l.rule);
            if (sources != null && !l.rule.shadow()) {
                long left = Math.round(Math.max(0, book.ttlTicks() - l.idleTicks) * tickSeconds * 1000);
                out.add(new ControlPlane.SourceRule(name, l.id, l.step.id(), sources, left, false));
            }
        }
    }

    private static List<String> sourcesOf(Rule r) {
        if (r.step() != MitigationStep.BLOCK && r.step() != MitigationStep.CLOSE) {
            return null;
        }
        List<Condition> cs = r.conditions();
        if (cs.size() != 1) {
            return null;
        }
        Dimension d = cs.get(0).dimension();
        if (d != Dimension.CLIENT && d != Dimension.NETWORK && d != Dimension.WIDE_NETWORK) {
            return null;
        }
        return cs.get(0).texts();
    }

    void operatorEvent(String text) {
        ruleEvent(new RuleEvent(RuleEvent.Kind.OPERATOR, text));
    }

    SitePolicy policy() {
        List<Rule> rules = new java.util.ArrayList<>();
        for (OperatorRule r : operatorRules) {
            rules.add(r.rule());
        }
        rules.addAll(book.rules());
        // in shadow mode widening is reported, not enforced; an operator's under-attack pin always is
        boolean challengeAll = book.widened() && (!book.shadowAll() || pin == MitigationStep.UNDER_ATTACK);
        return new SitePolicy(rules, challengeAll, detector.state().id());
    }

    SiteState state() {
        return detector.state();
    }

    static void log(Transition t) {
        if (t.to() == SiteState.ATTACK) {
            LOG.warn("site {}: {} -> {}: {}", t.site(), t.from().id(), t.to().id(), t.why());
        } else {
            LOG.info("site {}: {} -> {}: {}", t.site(), t.from().id(), t.to().id(), t.why());
        }
    }

    static void log(String site, String text) {
        LOG.info(String.format(Locale.ROOT, "site %s: %s", site, text));
    }
}

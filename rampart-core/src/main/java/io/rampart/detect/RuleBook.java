package io.rampart.detect;

import io.rampart.config.MitigationStep;
import io.rampart.mitigate.Condition;
import io.rampart.mitigate.Rule;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

/**
 * One site's automatic rules and their place on the ladder.
 *
 * <p>Design note: a rule starts on the rung its signature allows ({@link Signature#firstStep()}),
 * climbs one rung each {@code escalateTicks} while it still matches at least half its peak rate
 * (the attack goes on through it), never past its signature's highest rung nor the configured
 * maximum; it steps down one rung after {@code stepDownTicks} matching less than a tenth of its
 * peak, and expires after {@code ttlTicks} without a match (every match extends it). Rules are
 * ordered harshest first so the data plane stops at the strongest match. A pinned site holds
 * every rule at the pinned rung. The site's widened protection (challenge every unknown client)
 * starts after {@code widenTicks} of attack with the origin still strained since the last new
 * rule, and ends after
 * {@code stepDownTicks} calm.
 */
final class RuleBook {
    private final String site;
    private int escalateTicks;
    private int stepDownTicks;
    private int ttlTicks;
    private int widenTicks;
    private MitigationStep maxStep;
    private boolean shadow;
    private final Consumer<RuleEvent> events;
    private final List<Live> live = new ArrayList<>();
    private int nextId = 1;
    private boolean widened;
    /** Whether the widening came while the baseline was young ({@link #tick(double, SiteState, boolean, MitigationStep, boolean)}). */
    private boolean widenedCold;
    /** Strained ticks under attack before a young baseline's site widens (and calm ticks before it narrows). */
    private int coldWidenTicks = 1;
    private int coldCalmTicks = 2;

    /** Sets the cold widening's delay, and the calm that ends it, in ticks. */
    void coldWiden(int widen, int calm) {
        coldWidenTicks = Math.max(1, widen);
        coldCalmTicks = Math.max(1, calm);
    }
    private int strainedTicks;
    private int calmTicks;
    private boolean changed;

    RuleBook(String site, int escalateTicks, int stepDownTicks, int ttlTicks, int widenTicks, MitigationStep maxStep,
             boolean shadow, Consumer<RuleEvent> events) {
        this.site = site;
        this.escalateTicks = escalateTicks;
        this.stepDownTicks = stepDownTicks;
        this.ttlTicks = ttlTicks;
        this.widenTicks = widenTicks;
        this.maxStep = maxStep;
        this.shadow = shadow;
        this.events = events;
    }

    /** A rule in force and what the ladder knows of it. */
    static final class Live {
        final String id;
        final Signature signature;
        final LongAdder hits = new LongAdder();
        MitigationStep highest;
        MitigationStep step;
        Rule rule;
        double rate;
        double peak;
        int ticksAtStep;
        int quietTicks;
        int idleTicks;
        long totalHits;
        final String recalledFrom;
        /** Put in shadow by the operator: counted, not enforced. */
        boolean shadowed;
        /** The node of the cluster whose detection found it; null for this node. */
        String foundBy;

        Live(String id, Signature signature, MitigationStep step, MitigationStep highest, String recalledFrom) {
            this.id = id;
            this.signature = signature;
            this.step = step;
            this.highest = highest;
            this.recalledFrom = recalledFrom;
        }
    }

    /** Puts a rule in force for {@code s}, unless one with the same conditions already is. */
    Live deploy(Signature s, MitigationStep pin, String recalledFrom) {
        return deploy(s, pin, recalledFrom, null);
    }

    /**
     * Deploys a rule another node of the cluster found ({@code fromNode}), converging with this
     * node's own: nothing when a rule with the same conditions is in force; when one in force
     * overlaps it (the same attack described a little differently, found by two nodes in the same
     * tick), the rule found by the node whose name sorts first stays, on every node alike, and the
     * other is retired. Returns the rule deployed, or null.
     */
    Live deployShared(Signature s, MitigationStep pin, String fromNode, String selfNode) {
        for (Iterator<Live> it = live.iterator(); it.hasNext(); ) {
            Live l = it.next();
            if (l.signature.conditions().equals(s.conditions())) {
                return null;
            }
            if (overlap(l.signature.conditions(), s.conditions())) {
                String holder = l.foundBy == null ? selfNode : l.foundBy;
                if (fromNode.compareTo(holder) >= 0) {
                    return null; // ours stays: the other node retires its own when it hears of ours
                }
                it.remove();
                changed = true;
                events.accept(new RuleEvent(RuleEvent.Kind.EXPIRED, String.format(Locale.ROOT,
                        "rule %s retired: node %s found the same attack (one rule for the cluster)", l.id, fromNode)));
            }
        }
        Live l = deploy(s, pin, null, fromNode);
        if (l != null) {
            l.foundBy = fromNode;
        }
        return l;
    }

    /** Whether two rules describe the same requests but for one term (rules of three terms or more). */
    static boolean overlap(List<Condition> a, List<Condition> b) {
        int min = Math.min(a.size(), b.size());
        if (min < 3) {
            return false;
        }
        int shared = 0;
        for (Condition c : a) {
            if (b.contains(c)) {
                shared++;
            }
        }
        return shared >= min - 1;
    }

    /** As {@link #deploy(Signature, MitigationStep, String)}, for a rule {@code sharedBy} another node found (or null). */
    Live deploy(Signature s, MitigationStep pin, String recalledFrom, String sharedBy) {
        for (Live l : live) {
            if (l.signature.conditions().equals(s.conditions())) {
                return null;
            }
        }
        MitigationStep highest = min(s.highestStep(), maxStep);
        MitigationStep first = pin != null && pin != MitigationStep.UNDER_ATTACK ? pin : min(s.firstStep(), highest);
        Live l = new Live(site.substring(0, Math.min(site.length(), 8)) + "-" + nextId++, s, first, highest, recalledFrom);
        publish(l);
        live.add(l);
        live.sort((a, b) -> b.step.compareTo(a.step));
        strainedTicks = 0; // give the new rule its chance before widening
        boolean inShadow = shadow || first == MitigationStep.OBSERVE;
        events.accept(new RuleEvent(inShadow ? RuleEvent.Kind.DEPLOYED_IN_SHADOW : RuleEvent.Kind.DEPLOYED,
                String.format(Locale.ROOT, "rule %s deployed at %s%s: %s%s%s", l.id, first, inShadow ? " (shadow)" : "", s,
                        recalledFrom == null ? "" : " - a repeat of " + recalledFrom,
                        sharedBy == null ? "" : " - found by node " + sharedBy)));
        changed = true;
        return l;
    }

    private void publish(Live l) {
        l.rule = new Rule(l.id, l.signature.conditions(), l.step, shadow || l.shadowed, l.hits);
    }

    /** Ages the rules by one tick of {@code seconds}; {@code pin} is the site's pinned rung or null. */
    void tick(double seconds, SiteState state, boolean strained, MitigationStep pin) {
        tick(seconds, state, strained, pin, false, false);
    }

    /**
     * ... {@code young}: the baseline is still learning, so rules are few and priced on a guess.
     * An attack that keeps the origin strained then widens protection at once (after
     * {@link #coldWiden} ticks, one by default) instead of after {@code widenAfter}: a cold gateway's surest defence is the
     * challenge, at once. Such a widening ends as soon as the origin is calm and the traffic
     * ({@code surging}: the rate against what was learned, challenged requests included) is back
     * to normal; a flood still arriving keeps it (the origin is calm because of
     * it, not because the flood is over).
     */
    void tick(double seconds, SiteState state, boolean strained, MitigationStep pin, boolean young, boolean surging) {
        for (Iterator<Live> it = live.iterator(); it.hasNext(); ) {
            Live l = it.next();
            long h = l.hits.sumThenReset();
            l.totalHits += h;
            l.rate = h / seconds;
            l.peak = Math.max(l.peak, l.rate);
            l.ticksAtStep++;
            l.idleTicks = h == 0 ? l.idleTicks + 1 : 0;
            l.quietTicks = l.rate < 0.1 * l.peak ? l.quietTicks + 1 : 0;
            if (l.idleTicks >= ttlTicks) {
                it.remove();
                events.accept(new RuleEvent(RuleEvent.Kind.EXPIRED, String.format(Locale.ROOT,
                        "rule %s expired after %d s without a match (%d requests matched in all)", l.id, l.idleTicks, l.totalHits)));
                changed = true;
                continue;
            }
            MitigationStep target = l.step;
            if (pin != null && pin != MitigationStep.UNDER_ATTACK) {
                target = pin;
            } else if (l.ticksAtStep >= escalateTicks && l.rate >= 0.5 * l.peak && l.rate > 0 && l.step.compareTo(l.highest) < 0) {
                target = l.step.up();
            } else if (l.quietTicks >= stepDownTicks && l.step.compareTo(MitigationStep.LIMIT) > 0) {
                target = l.step.down();
            }
            if (target != l.step) {
                boolean up = target.compareTo(l.step) > 0;
                events.accept(new RuleEvent(up ? RuleEvent.Kind.ESCALATED : RuleEvent.Kind.STEPPED_DOWN, String.format(Locale.ROOT,
                        "rule %s %s from %s to %s (%.0f/s matching, peak %.0f/s)", l.id, up ? "escalated" : "stepped down",
                        l.step, target, l.rate, l.peak)));
                if (target.compareTo(l.step) < 0) {
                    l.peak = l.rate; // measured afresh at the lower rung
                    l.quietTicks = 0;
                }
                l.step = target;
                l.ticksAtStep = 0;
                publish(l);
                changed = true;
            }
        }
        live.sort((a, b) -> b.step.compareTo(a.step));
        boolean wantWide;
        if (pin == MitigationStep.UNDER_ATTACK) {
            wantWide = true;
        } else {
            strainedTicks = state == SiteState.ATTACK && strained ? strainedTicks + 1 : 0;
            boolean cold = widened ? widenedCold : young;
            calmTicks = strained || state == SiteState.ATTACK || cold && surging ? 0 : calmTicks + 1;
            int widenAt = young ? Math.min(widenTicks, coldWidenTicks) : widenTicks;
            int narrowAt = cold ? Math.min(stepDownTicks, coldCalmTicks) : stepDownTicks;
            wantWide = widened ? calmTicks < narrowAt : strainedTicks >= widenAt;
            if (wantWide && !widened) {
                widenedCold = young;
            }
        }
        if (wantWide != widened) {
            widened = wantWide;
            changed = true;
            events.accept(widened
                    ? new RuleEvent(RuleEvent.Kind.WIDENED,
                            "protection widened: every unknown client of the site is challenged (origin still strained under attack)"
                            + (shadow && pin != MitigationStep.UNDER_ATTACK ? " (shadow: not enforced)" : ""))
                    : new RuleEvent(RuleEvent.Kind.NARROWED, "widened protection ended: the origin is calm"));
        }
    }

    /**
     * Puts the rule {@code id} in shadow (counted and logged, not enforced) or back in force.
     * Returns false when no rule in force has that id.
     */
    boolean shadow(String id, boolean on) {
        for (Live l : live) {
            if (l.id.equals(id)) {
                if (l.shadowed != on) {
                    l.shadowed = on;
                    publish(l);
                    changed = true;
                    events.accept(new RuleEvent(RuleEvent.Kind.SHADOW,
                            "rule " + id + (on ? " put in shadow by the operator" : " enforced again by the operator")));
                }
                return true;
            }
        }
        return false;
    }

    /**
     * Takes new ladder settings (a reload changed {@code detection}). Rules in force keep their
     * place on the ladder, but none stays above a lowered {@code maxStep}, and a change of
     * {@code shadow} applies to them at once (a rule the operator shadowed stays shadowed).
     */
    void tune(int escalateTicks, int stepDownTicks, int ttlTicks, int widenTicks, MitigationStep maxStep, boolean shadow) {
        this.escalateTicks = escalateTicks;
        this.stepDownTicks = stepDownTicks;
        this.ttlTicks = ttlTicks;
        this.widenTicks = widenTicks;
        boolean shadowChanged = this.shadow != shadow;
        this.maxStep = maxStep;
        this.shadow = shadow;
        for (Live l : live) {
            l.highest = min(l.signature.highestStep(), maxStep);
            boolean lowered = l.step.compareTo(l.highest) > 0;
            if (lowered) {
                events.accept(new RuleEvent(RuleEvent.Kind.STEPPED_DOWN,
                        "rule " + l.id + " stepped down from " + l.step + " to " + l.highest + " (detection.maxStep lowered)"));
                l.step = l.highest;
                l.ticksAtStep = 0;
            }
            if (lowered || shadowChanged) {
                publish(l);
                changed = true;
            }
        }
        if (shadowChanged) {
            events.accept(new RuleEvent(RuleEvent.Kind.DETECTION_SHADOW, shadow
                    ? "detection.shadow on: automatic rules are counted and logged, not enforced"
                    : "detection.shadow off: automatic rules are enforced"));
            changed = true;
        }
    }

    /** Whether the rules or the widened protection changed since the last call (then a new policy is due). */
    boolean takeChanged() {
        boolean c = changed;
        changed = false;
        return c;
    }

    /** Requests per second the rules matched in the last tick, all together. */
    double matchingRate() {
        double sum = 0;
        for (Live l : live) {
            sum += l.rate;
        }
        return sum;
    }

    List<Rule> rules() {
        List<Rule> out = new ArrayList<>(live.size());
        for (Live l : live) {
            out.add(l.rule);
        }
        return out;
    }

    List<Live> live() {
        return live;
    }

    /** Ticks a rule lives on without a match (detection.ruleTtl). */
    int ttlTicks() {
        return ttlTicks;
    }

    boolean widened() {
        return widened;
    }

    /** Whether every automatic action is only counted and logged ({@code detection.shadow}). */
    boolean shadowAll() {
        return shadow;
    }

    /** Whether a rule in force (enforced or not) has exactly these conditions. */
    boolean has(List<Condition> conditions) {
        for (Live l : live) {
            if (l.signature.conditions().equals(conditions)) {
                return true;
            }
        }
        return false;
    }

    private static MitigationStep min(MitigationStep a, MitigationStep b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}

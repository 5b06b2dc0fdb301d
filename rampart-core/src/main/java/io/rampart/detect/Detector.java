package io.rampart.detect;

/**
 * The state machine of one site: normal, suspect, attack, flash crowd, recovering.
 *
 * <p>Design note: a tick is <em>anomalous</em> when the rate surges past the baseline (at least
 * {@code surgeFactor} times the expected rate and four standard deviations above it, and at least
 * {@code minRate}) or the origin is strained (latency three times normal, errors, admission
 * saturated). An anomalous tick whose traffic is <em>novel</em> (see {@link Signals}) is
 * attack-like; one that is not is crowd-like. Hysteresis: one attack-like tick makes the site
 * suspect, a second confirms the attack (an overwhelming tick, ten times the rate and mostly
 * novel, confirms at once, as does a remembered signature); an attack the rules hold off is
 * still an attack while they match a flood of novel traffic; it takes {@code calmTicks} quiet ticks
 * to start recovering and {@code recoverTicks} more to be normal, and any attack-like tick while
 * recovering returns to attack. During cold start (less than {@code learnTicks} of baseline) the
 * rate means nothing: only origin strain counts as anomalous. Every change is a
 * {@link Transition} with {@link Signals#explain}.
 */
final class Detector {
    private double surgeFactor;
    private double minRate;
    private double noveltyThreshold;
    private final int calmTicks;
    private int recoverTicks;
    private SiteState state = SiteState.NORMAL;
    private int calm;

    /** The rate below which nothing is a surge, for the next ticks (a cluster node's share of the floor once it has learned). */
    void floor(double rate) {
        this.minRate = rate;
    }

    /** Takes new thresholds (a reload changed {@code detection}); the state and its counts stay. */
    void tune(double surgeFactor, double minRate, double noveltyThreshold, int recoverTicks) {
        this.surgeFactor = surgeFactor;
        this.minRate = minRate;
        this.noveltyThreshold = noveltyThreshold;
        this.recoverTicks = recoverTicks;
    }

    Detector(double surgeFactor, double minRate, double noveltyThreshold, int calmTicks, int recoverTicks) {
        this.surgeFactor = surgeFactor;
        this.minRate = minRate;
        this.noveltyThreshold = noveltyThreshold;
        this.calmTicks = calmTicks;
        this.recoverTicks = recoverTicks;
    }

    SiteState state() {
        return state;
    }

    boolean surge(Signals s) {
        return s.learned && s.rate >= surgeRate(minRate, s.expected, s.sigma);
    }

    /** The rate from which a tick is a surge, against {@code expected} ± {@code sigma}, with {@code floor} as minRate. */
    double surgeRate(double floor, double expected, double sigma) {
        return Math.max(floor, Math.max(surgeFactor * expected, expected + 4 * sigma));
    }

    /** The rate from which a tick is overwhelming (ten times expected; a quiet site's expected counts as half of {@code floor}). */
    static double overwhelmingRate(double floor, double expected) {
        return Math.max(floor, 10 * Math.max(expected, floor / 2));
    }

    /** Origin answers this many times slower than learned mean the origin is strained. */
    static final double STRAINED_LATENCY = 3;

    static boolean strained(Signals s) {
        return s.saturated || s.latencyRatio >= STRAINED_LATENCY || s.errorShare >= 0.2;
    }

    boolean anomalous(Signals s) {
        return surge(s) || (strained(s) && s.rate >= minRate);
    }

    boolean novel(Signals s) {
        return s.maxNovelty() >= noveltyThreshold;
    }

    /**
     * Steps the machine with one tick's signals; {@code recalled} when a remembered attack signature
     * matches this tick; {@code rulesBusy} when rules in force still match a flood (the attack goes
     * on even though the rules keep the rate off the origin). Returns the new state.
     */
    SiteState step(Signals s, boolean recalled, boolean rulesBusy) {
        boolean anomalous = anomalous(s);
        boolean novel = novel(s);
        boolean attackLike = recalled || (anomalous && novel) || (rulesBusy && novel);
        // overwhelming: confirmed in one tick. A young baseline's "ten times" is weak evidence on its
        // own; with the origin strained as well it is enough (a cold start into a flood)
        boolean overwhelming = recalled || (attackLike && (s.learned || strained(s)) && s.rate >= overwhelmingRate(minRate, s.expected)
                && s.maxNovelty() >= 0.5);
        SiteState next = state;
        switch (state) {
            case NORMAL:
                if (attackLike) {
                    next = overwhelming ? SiteState.ATTACK : SiteState.SUSPECT;
                } else if (anomalous) {
                    next = SiteState.FLASH_CROWD;
                }
                break;
            case SUSPECT:
                if (attackLike) {
                    next = SiteState.ATTACK;
                } else if (anomalous) {
                    next = SiteState.FLASH_CROWD;
                } else {
                    next = SiteState.NORMAL;
                }
                break;
            case FLASH_CROWD:
                if (attackLike) {
                    next = overwhelming ? SiteState.ATTACK : SiteState.SUSPECT;
                } else if (!anomalous && ++calm >= calmTicks) {
                    next = SiteState.NORMAL;
                } else if (anomalous) {
                    calm = 0;
                }
                break;
            case ATTACK:
                if (attackLike) {
                    calm = 0;
                } else if (++calm >= calmTicks) {
                    next = SiteState.RECOVERING;
                }
                break;
            case RECOVERING:
                if (attackLike) {
                    next = SiteState.ATTACK;
                } else if (++calm >= recoverTicks) {
                    next = SiteState.NORMAL;
                }
                break;
            default:
                throw new IllegalStateException(state.toString());
        }
        if (next != state) {
            state = next;
            calm = 0;
        }
        return next;
    }
}

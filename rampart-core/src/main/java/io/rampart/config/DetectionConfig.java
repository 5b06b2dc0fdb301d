package io.rampart.config;

import java.time.Duration;

/**
 * The control plane: baselines, the detector, automatic rules and the mitigation ladder.
 *
 * @param enabled         whether the control plane runs (off: static limits only)
 * @param tick            how often it looks at the traffic (also the detection granularity)
 * @param stateDir        where baselines and remembered attack signatures are kept across restarts
 *                        (none: learned again at each start)
 * @param learnFor        traffic to learn before rate-based detection starts (cold start: until
 *                        then only origin strain and traffic never seen before trigger it)
 * @param baselineHalfLife how fast the baseline forgets (the weight of old traffic halves in this time)
 * @param surgeFactor     a rate this many times the expected one is a surge
 * @param minRate         requests per second below which nothing is a surge
 * @param novelty         share of the traffic in values rare in the baseline that marks an attack
 *                        rather than a flash crowd (0.05 to 0.95)
 * @param maxCollateral   a rule is blocked only if it would hit at most this share of normal traffic
 * @param challengeCollateral a rule that would hit more (up to this share) challenges instead of blocking
 * @param escalateAfter   a rule still matching this long at one step climbs to the next
 * @param stepDownAfter   a rule matching much less for this long steps down (and the site's widened protection ends)
 * @param ruleTtl         a rule that matched nothing for this long expires
 * @param recoverFor      calm needed after an attack before the site is normal again
 * @param widenAfter      the origin still strained this long under attack: challenge every unknown client
 * @param maxStep         the highest rung automatic rules may climb to ({@code limit} to {@code close})
 * @param shadow          every automatic rule is only counted and logged (observe the detector first)
 * @param ruleLimit       the per-client rate a {@code limit} rule allows
 * @param learnDelay      how long a normal tick waits before it is learned: it is learned only if
 *                        the ticks after it stayed normal too, so the first moments of a flood,
 *                        before the detector calls it, never become part of the normal it is
 *                        judged against (0s: learn at once)
 * @param closeHold       how long a request matching a {@code close} rule is held (reading nothing
 *                        more) before its connection is closed: a bot that waits for answers waits
 *                        instead of reconnecting at once (0s: close at once)
 */
public record DetectionConfig(
        Boolean enabled,
        Duration tick,
        String stateDir,
        Duration learnFor,
        Duration baselineHalfLife,
        Double surgeFactor,
        Double minRate,
        Double novelty,
        Double maxCollateral,
        Double challengeCollateral,
        Duration escalateAfter,
        Duration stepDownAfter,
        Duration ruleTtl,
        Duration recoverFor,
        Duration widenAfter,
        MitigationStep maxStep,
        Boolean shadow,
        RateConfig ruleLimit,
        Duration closeHold,
        Duration learnDelay) {

    public static final DetectionConfig DEFAULT = new DetectionConfig(null, null, null, null, null, null, null, null,
            null, null, null, null, null, null, null, null, null, null, null, null);

    public DetectionConfig {
        enabled = enabled == null || enabled;
        tick = tick == null ? Duration.ofMillis(500) : tick;
        learnFor = learnFor == null ? Duration.ofSeconds(10) : learnFor;
        baselineHalfLife = baselineHalfLife == null ? Duration.ofMinutes(30) : baselineHalfLife;
        surgeFactor = surgeFactor == null ? 3.0 : surgeFactor;
        minRate = minRate == null ? 20.0 : minRate;
        novelty = novelty == null ? 0.3 : novelty;
        maxCollateral = maxCollateral == null ? 0.01 : maxCollateral;
        challengeCollateral = challengeCollateral == null ? 0.05 : challengeCollateral;
        escalateAfter = escalateAfter == null ? Duration.ofSeconds(10) : escalateAfter;
        stepDownAfter = stepDownAfter == null ? Duration.ofSeconds(15) : stepDownAfter;
        ruleTtl = ruleTtl == null ? Duration.ofSeconds(120) : ruleTtl;
        recoverFor = recoverFor == null ? Duration.ofSeconds(30) : recoverFor;
        widenAfter = widenAfter == null ? Duration.ofSeconds(5) : widenAfter;
        maxStep = maxStep == null ? MitigationStep.CLOSE : maxStep;
        shadow = shadow != null && shadow;
        ruleLimit = ruleLimit == null ? new RateConfig(1.0, 5) : ruleLimit;
        closeHold = closeHold == null ? Duration.ofSeconds(5) : closeHold;
        learnDelay = learnDelay == null ? Duration.ofSeconds(2) : learnDelay;
    }
}

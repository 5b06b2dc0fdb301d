package io.rampart.detect;

import io.rampart.config.MitigationStep;
import io.rampart.mitigate.Condition;
import java.util.List;
import java.util.Locale;

/**
 * What an attack's requests have in common, found by {@link SignatureSearch}: the conditions, how
 * much of the tick's traffic they match, how much of it is in excess of normal, and the estimated
 * cost to legitimate traffic.
 *
 * @param conditions      all must hold
 * @param matchedRate     requests per second matching now
 * @param excessRate      of those, requests per second beyond what normal traffic would send
 * @param collateral      estimated share of normal traffic the rule would hit (0 to 1)
 * @param firstStep       the rung the rule starts on
 * @param highestStep     the rung it may climb to (challenge at most when the collateral is above the block bound)
 */
public record Signature(List<Condition> conditions, double matchedRate, double excessRate, double collateral,
                        MitigationStep firstStep, MitigationStep highestStep) {

    /** Precision: the share of matching traffic that is attack. */
    public double precision() {
        return matchedRate <= 0 ? 0 : excessRate / matchedRate;
    }

    public String describe() {
        return Condition.describeAll(conditions);
    }

    @Override
    public String toString() {
        return String.format(Locale.ROOT, "%s (%.0f/s matching, %.0f%% attack, %.2f%% of normal traffic hit, %s up to %s)",
                describe(), matchedRate, 100 * precision(), 100 * collateral, firstStep, highestStep);
    }
}

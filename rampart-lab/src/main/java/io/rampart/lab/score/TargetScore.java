package io.rampart.lab.score;

import java.util.List;
import java.util.Map;

/**
 * How one target did in one scenario: the row of figures the issue asks for, and pass or fail
 * against the scenario's criteria. Null figures mean "does not apply" (no attack requests, no
 * gateway process) or, for time to mitigate, "never".
 */
public record TargetScore(
        String target,
        long requestsSent,
        long legitRequests,
        double legitOkShare,
        Map<String, KindScore> perPersona,
        Double legitP50Millis,
        Double legitP99Millis,
        Double baselineP50Millis,
        Double baselineP99Millis,
        long attackSent,
        long attackReachedOrigin,
        Double attackToOriginShare,
        int originOverCapacitySeconds,
        Double timeToMitigateSeconds,
        int legitClients,
        int legitClientsRefused,
        long legitRequestsRefused,
        long challengesSolved,
        long slowConnectionsOpened,
        long slowConnectionsHeldMax,
        long slowConnectionsClosedByTarget,
        Double gatewayCpuSeconds,
        Double gatewayPeakRssMb,
        boolean pass,
        List<String> failures,
        List<Wave> waves,
        List<Second> onset) {

    /**
     * One wave of a pulsing attack (seconds with flood traffic, separated by silence): its onset,
     * what was sent, what reached the origin, and its own time to mitigate (null: never).
     */
    public record Wave(int onsetSecond, long sent, long reachedOrigin, Double timeToMitigateSeconds) {
    }

    /**
     * One second of the flood around its onset (the time-to-mitigate figure is read off these):
     * the second since the run began, flood requests sent in it and flood requests the origin saw.
     */
    public record Second(int second, long sent, long reachedOrigin) {
    }

    /** The same figures with the verdict for {@code failures} (none: pass). */
    TargetScore judged(List<String> failures) {
        return new TargetScore(target, requestsSent, legitRequests, legitOkShare, perPersona, legitP50Millis, legitP99Millis,
                baselineP50Millis, baselineP99Millis, attackSent, attackReachedOrigin, attackToOriginShare,
                originOverCapacitySeconds, timeToMitigateSeconds, legitClients, legitClientsRefused, legitRequestsRefused,
                challengesSolved, slowConnectionsOpened, slowConnectionsHeldMax, slowConnectionsClosedByTarget, gatewayCpuSeconds,
                gatewayPeakRssMb, failures.isEmpty(), List.copyOf(failures), waves, onset);
    }
}

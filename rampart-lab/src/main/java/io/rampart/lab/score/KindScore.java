package io.rampart.lab.score;

/**
 * One legitimate persona's experience during the event window.
 *
 * @param requests  requests that ended in the window
 * @param okShare   share answered well (2xx/3xx, or a challenge the client solved and then got its page)
 * @param refused   requests limited or blocked, or challenged and not solved
 * @param p50Millis median latency of good answers (null when there were none)
 * @param p99Millis 99th percentile
 * @param baselineP99Millis 99th percentile of good answers before the attack began (null when none)
 * @param challengesSolved  challenges solved in the window (each a delay, not a refusal)
 * @param challengeP99Millis from a challenge to its page, 99th percentile over the run (null when none)
 */
public record KindScore(long requests, double okShare, long refused, Double p50Millis, Double p99Millis,
                        Double baselineP99Millis, long challengesSolved, Double challengeP99Millis) {
}

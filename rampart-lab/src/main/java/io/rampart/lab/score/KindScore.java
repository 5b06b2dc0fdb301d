package io.rampart.lab.score;

/**
 * One legitimate persona's experience during the event window.
 *
 * @param requests  requests that ended in the window
 * @param okShare   share answered well (2xx/3xx)
 * @param refused   requests limited, blocked or challenged
 * @param p50Millis median latency of good answers (null when there were none)
 * @param p99Millis 99th percentile
 * @param baselineP99Millis 99th percentile of good answers before the attack began (null when none)
 */
public record KindScore(long requests, double okShare, long refused, Double p50Millis, Double p99Millis,
                        Double baselineP99Millis) {
}

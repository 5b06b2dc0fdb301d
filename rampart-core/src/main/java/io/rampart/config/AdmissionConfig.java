package io.rampart.config;

import java.time.Duration;

/**
 * Adaptive admission: how many requests each site may have in flight at its origins, a limit that
 * follows the origins' latency, with lanes (known, unknown, suspect) and a short queue.
 *
 * @param enabled       whether admission control runs at all
 * @param initialLimit  requests in flight allowed before the first measurements
 * @param minLimit      the limit never goes below this
 * @param maxLimit      nor above this
 * @param queueSize     requests that may wait for a slot, all lanes together; beyond it: {@code 503}
 * @param queueTimeout  how long a request may wait for a slot before {@code 503} with {@code Retry-After}
 * @param knownReserve  share of the limit only known clients may use (0 to 0.9)
 * @param suspectShare  share of the limit suspect clients (those close to their rate limit) may use at most
 */
public record AdmissionConfig(
        Boolean enabled,
        Integer initialLimit,
        Integer minLimit,
        Integer maxLimit,
        Integer queueSize,
        Duration queueTimeout,
        Double knownReserve,
        Double suspectShare) {

    public static final AdmissionConfig DEFAULT = new AdmissionConfig(null, null, null, null, null, null, null, null);

    public AdmissionConfig {
        enabled = enabled == null || enabled;
        initialLimit = initialLimit == null ? 64 : initialLimit;
        minLimit = minLimit == null ? 8 : minLimit;
        maxLimit = maxLimit == null ? 1000 : maxLimit;
        queueSize = queueSize == null ? 2048 : queueSize;
        queueTimeout = queueTimeout == null ? Duration.ofSeconds(2) : queueTimeout;
        knownReserve = knownReserve == null ? 0.25 : knownReserve;
        suspectShare = suspectShare == null ? 0.25 : suspectShare;
    }
}

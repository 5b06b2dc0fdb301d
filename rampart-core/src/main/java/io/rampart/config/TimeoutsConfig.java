package io.rampart.config;

import java.time.Duration;

/**
 * Deadlines that keep slow clients and slow origins from holding resources.
 *
 * @param requestHead      the whole request head (line and headers) must arrive within this time of its first byte;
 *                         a byte a minute does not reset it (slowloris)
 * @param keepAliveIdle    how long a connection may sit idle between requests
 * @param minBodyRate      minimum average upload rate in bytes per second once {@code bodyGrace} has passed (slow POST)
 * @param bodyGrace        time a body may take before the minimum rate is enforced
 * @param clientWrite      how long a client may leave our output buffer full without reading (slow read)
 * @param upstreamConnect  connecting to an origin
 * @param upstreamResponse from the end of the request until the origin's response head ({@code 504} after it)
 * @param shutdownGrace    on stop, how long requests in flight may take to finish
 * @param tunnelIdle       a WebSocket with no traffic in either direction for this long is closed
 */
public record TimeoutsConfig(
        Duration requestHead,
        Duration keepAliveIdle,
        ByteSize minBodyRate,
        Duration bodyGrace,
        Duration clientWrite,
        Duration upstreamConnect,
        Duration upstreamResponse,
        Duration shutdownGrace,
        Duration tunnelIdle) {

    public static final TimeoutsConfig DEFAULT = new TimeoutsConfig(null, null, null, null, null, null, null, null, null);

    public TimeoutsConfig {
        requestHead = requestHead == null ? Duration.ofSeconds(10) : requestHead;
        keepAliveIdle = keepAliveIdle == null ? Duration.ofSeconds(30) : keepAliveIdle;
        minBodyRate = minBodyRate == null ? ByteSize.ofBytes(1024) : minBodyRate;
        bodyGrace = bodyGrace == null ? Duration.ofSeconds(5) : bodyGrace;
        clientWrite = clientWrite == null ? Duration.ofSeconds(30) : clientWrite;
        upstreamConnect = upstreamConnect == null ? Duration.ofSeconds(3) : upstreamConnect;
        upstreamResponse = upstreamResponse == null ? Duration.ofSeconds(30) : upstreamResponse;
        shutdownGrace = shutdownGrace == null ? Duration.ofSeconds(10) : shutdownGrace;
        tunnelIdle = tunnelIdle == null ? Duration.ofMinutes(5) : tunnelIdle;
    }
}

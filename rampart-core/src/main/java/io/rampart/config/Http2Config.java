package io.rampart.config;

import java.time.Duration;

/**
 * HTTP/2 on the front (h2 over TLS, h2c with prior knowledge), and the limits that keep it from
 * being a flood amplifier.
 *
 * @param maxConcurrentStreams streams one connection may have open (SETTINGS_MAX_CONCURRENT_STREAMS)
 * @param maxStreamsPerClient  streams one client address may have open over all its connections;
 *                             more are refused with RST_STREAM(REFUSED_STREAM)
 * @param maxResets            resets (RST_STREAM from the client, or provoked from the server) a
 *                             connection may cause per {@code resetWindow}; past it: GOAWAY
 *                             (ENHANCE_YOUR_CALM) and the client's rate-limit bucket is emptied
 * @param resetWindow          the window for {@code maxResets}
 */
public record Http2Config(Integer maxConcurrentStreams, Integer maxStreamsPerClient, Integer maxResets, Duration resetWindow) {
    public static final Http2Config DEFAULT = new Http2Config(null, null, null, null);

    public Http2Config {
        maxConcurrentStreams = maxConcurrentStreams == null ? 100 : maxConcurrentStreams;
        maxStreamsPerClient = maxStreamsPerClient == null ? 256 : maxStreamsPerClient;
        maxResets = maxResets == null ? 100 : maxResets;
        resetWindow = resetWindow == null ? Duration.ofSeconds(10) : resetWindow;
    }
}

package io.rampart.proxy;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/**
 * ISO-8601 UTC timestamps with milliseconds ({@code 2026-11-22T23:12:34.446Z}) for the access log,
 * without running a {@link DateTimeFormatter} per line: the text up to the seconds is formatted
 * once per second per thread and reused.
 */
final class LogClock {
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss").withZone(ZoneOffset.UTC);
    private static final ThreadLocal<LogClock> PER_THREAD = ThreadLocal.withInitial(LogClock::new);

    private long second = Long.MIN_VALUE;
    private String prefix;

    static void appendNow(StringBuilder sb) {
        PER_THREAD.get().append(sb, System.currentTimeMillis());
    }

    void append(StringBuilder sb, long epochMillis) {
        long s = Math.floorDiv(epochMillis, 1000);
        if (s != second) {
            second = s;
            prefix = SECONDS.format(Instant.ofEpochSecond(s));
        }
        int ms = (int) Math.floorMod(epochMillis, 1000);
        sb.append(prefix).append('.');
        if (ms < 100) {
            sb.append('0');
        }
        if (ms < 10) {
            sb.append('0');
        }
        sb.append(ms).append('Z');
    }
}

package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import org.junit.jupiter.api.Test;

class LogClockTest {
    @Test
    void formatsLikeInstantWithMilliseconds() {
        LogClock c = new LogClock();
        for (long ms : new long[] {0L, 5L, 42L, 999L, 1_795_000_123_456L, 1_795_000_123_007L, 1_795_000_124_070L}) {
            StringBuilder sb = new StringBuilder();
            c.append(sb, ms);
            String expected = Instant.ofEpochMilli(ms).toString();
            // Instant drops ".000"; the log always keeps three digits
            if (!expected.contains(".")) {
                expected = expected.replace("Z", ".000Z");
            }
            assertThat(sb.toString()).isEqualTo(expected.replaceAll("\\.(\\d)Z$", ".$100Z").replaceAll("\\.(\\d\\d)Z$", ".$10Z"));
        }
    }

    @Test
    void millis_areFormattedWithTwoDecimalsWithoutFloatingPoint() {
        StringBuilder sb = new StringBuilder();
        AccessLog.appendMillis(sb, 1_234_567L);
        sb.append(' ');
        AccessLog.appendMillis(sb, 50_000L);
        sb.append(' ');
        AccessLog.appendMillis(sb, 12_000_000_000L);
        sb.append(' ');
        AccessLog.appendMillis(sb, -5);
        assertThat(sb.toString()).isEqualTo("1.23 0.05 12000.00 0.00");
    }
}

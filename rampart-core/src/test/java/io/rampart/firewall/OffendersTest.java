package io.rampart.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.traffic.ClientAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class OffendersTest {
    private final AtomicLong now = new AtomicLong(1_000_000);
    private final Offenders offenders = new Offenders(3, 10_000, 60_000, 100, now::get);
    private final ClientAddress bot = ClientAddress.parse("203.0.113.5");

    @Test
    void aClientClosedOftenEnoughWithinTheWindowIsJudged() {
        assertThat(offenders.closed(bot, 1)).isFalse();
        assertThat(offenders.closed(bot, 1)).isFalse();
        assertThat(offenders.closed(bot, 1)).isTrue();
        assertThat(offenders.active()).singleElement().satisfies(j -> {
            assertThat(j.entry()).isEqualTo(DropEntry.parse("203.0.113.5"));
            assertThat(j.untilMillis()).isEqualTo(1_060_000);
            assertThat(j.kind()).isEqualTo(Judgement.Kind.OFFENDER);
        });
    }

    @Test
    void closesSpreadWiderThanTheWindowDoNotAddUp() {
        offenders.closed(bot, 1);
        offenders.closed(bot, 1);
        now.addAndGet(11_000);
        assertThat(offenders.closed(bot, 1)).isFalse();
        assertThat(offenders.active()).isEmpty();
    }

    @Test
    void anAddressSharedByPeopleIsNeverJudged() {
        for (int i = 0; i < 50; i++) {
            assertThat(offenders.closed(bot, 2)).isFalse(); // a bot behind an office's NAT: its requests are closed, the office stays reachable
        }
        assertThat(offenders.active()).isEmpty();
    }

    @Test
    void theJudgementEndsByItself() {
        for (int i = 0; i < 3; i++) {
            offenders.closed(bot, 1);
        }
        now.addAndGet(60_001);
        assertThat(offenders.active()).isEmpty();
    }

    @Test
    void aFloodOfDistinctClientsStaysWithinTheBounds() {
        for (int i = 0; i < 200_000; i++) {
            ClientAddress a = ClientAddress.parse("10." + (i >> 16 & 255) + "." + (i >> 8 & 255) + "." + (i & 255));
            for (int k = 0; k < 3; k++) {
                offenders.closed(a, 0);
            }
        }
        assertThat(offenders.active()).hasSize(100);
    }
}

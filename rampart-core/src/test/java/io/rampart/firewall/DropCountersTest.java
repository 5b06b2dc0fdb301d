package io.rampart.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Map;
import org.junit.jupiter.api.Test;

class DropCountersTest {
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final DropCounters counters = new DropCounters(registry);

    private static Map<String, DropBackend.Count> reading(long addr4, long net4) {
        return Map.of("addr4", new DropBackend.Count(addr4, addr4 * 60), "net4", new DropBackend.Count(net4, net4 * 60));
    }

    @Test
    void totalsSurviveATableMadeAnewAndCountersZeroedBySomeoneElse() {
        counters.read(reading(10, 5));
        counters.read(reading(25, 5));
        assertThat(counters.packets()).isEqualTo(30);
        counters.reset(); // the table was made anew: its counters start again from zero
        counters.read(reading(4, 1));
        assertThat(counters.packets()).isEqualTo(35);
        counters.read(reading(2, 1)); // someone zeroed addr4 behind our back: count from zero
        assertThat(counters.packets()).isEqualTo(37);
        assertThat(counters.bytes()).isEqualTo(37 * 60);
        assertThat(registry.get("rampart.firewall.dropped.packets").tag("set", "addr4").functionCounter().count()).isEqualTo(31);
    }

    @Test
    void countersItDoesNotKnowAreIgnored() {
        counters.read(Map.of("someone_elses", new DropBackend.Count(1_000, 1_000)));
        assertThat(counters.packets()).isZero();
    }
}

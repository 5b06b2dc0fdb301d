package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.Channel;
import io.netty.channel.embedded.EmbeddedChannel;
import io.rampart.metrics.GatewayMetrics;
import io.rampart.mitigate.AccessLists;
import io.rampart.mitigate.IpSet;
import io.rampart.traffic.ClientAddress;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class ConnectionGateTest {
    private final AtomicLong now = new AtomicLong(1_000);

    private ConnectionGate gate(int perClient, int perPrefix, int total, java.util.function.ToIntFunction<ClientAddress> shared) {
        return new ConnectionGate(AccessLists.of(IpSet.EMPTY, IpSet.EMPTY), perClient, perPrefix, total,
                new GatewayMetrics(List.of("s")), shared, now::get);
    }

    /** An admitted connection in the middle of a request. */
    private static Channel busy(ConnectionGate gate, ClientAddress client) {
        EmbeddedChannel ch = new EmbeddedChannel();
        assertThat(gate.admit(ch, client)).isTrue();
        ch.attr(ConnectionGate.SLOT).get().enter();
        return ch;
    }

    @Test
    void anAddressSharedByKnownUsers_mayHoldThatManyTimesThePerClientCap() {
        ClientAddress office = ClientAddress.parse("203.0.113.60");
        ClientAddress home = ClientAddress.parse("198.51.100.9");
        ConnectionGate gate = gate(2, 100, 100, c -> c.key() == office.key() ? 3 : 1);
        for (int i = 0; i < 6; i++) {
            busy(gate, office);
        }
        assertThat(gate.admit(new EmbeddedChannel(), office)).as("the seventh: 3 users x 2, all busy").isFalse();
        busy(gate, home);
        busy(gate, home);
        assertThat(gate.admit(new EmbeddedChannel(), home)).as("one person's address keeps the cap").isFalse();
    }

    @Test
    void whenTheTotalIsFull_theOldestIdleConnectionOfTheMostCrowdedNetworkMakesRoom() {
        ConnectionGate gate = gate(10, 10, 6, c -> 1);
        ClientAddress[] hoarders = {ClientAddress.parse("10.1.1.1"), ClientAddress.parse("10.1.1.2")};
        EmbeddedChannel[] idle = new EmbeddedChannel[4];
        for (int i = 0; i < 4; i++) {
            now.addAndGet(10);
            idle[i] = new EmbeddedChannel();
            assertThat(gate.admit(idle[i], hoarders[i % 2])).isTrue();
        }
        Channel a = busy(gate, ClientAddress.parse("10.2.2.2"));
        now.addAndGet(10);
        Channel b = new EmbeddedChannel();
        assertThat(gate.admit(b, ClientAddress.parse("10.3.3.3"))).isTrue();
        assertThat(gate.open()).isEqualTo(6);
        assertThat(gate.admit(new EmbeddedChannel(), ClientAddress.parse("10.4.4.4")))
                .as("nobody idle long enough yet: a busy client's pause between requests is not idleness").isFalse();

        now.addAndGet(ConnectionGate.MIN_IDLE_NANOS);
        assertThat(gate.admit(new EmbeddedChannel(), ClientAddress.parse("10.4.4.4"))).as("a newcomer").isTrue();
        assertThat(idle[0].isOpen()).as("the crowded /24's oldest idle one went").isFalse();
        assertThat(idle[1].isOpen()).isTrue();
        assertThat(a.isOpen()).isTrue();
        assertThat(b.isOpen()).as("another network's idle connection stays").isTrue();
        assertThat(gate.open()).isEqualTo(6);
    }

    @Test
    void aNetworkAtItsCap_makesRoomFromItsOwnIdleConnections_andNothingBusyIsEverTaken() {
        ConnectionGate gate = gate(10, 3, 100, c -> 1);
        ClientAddress neighbour = ClientAddress.parse("10.9.9.7");
        Channel first = busy(gate, ClientAddress.parse("10.9.9.1"));
        Channel second = busy(gate, ClientAddress.parse("10.9.9.2"));
        now.addAndGet(10);
        EmbeddedChannel idle = new EmbeddedChannel();
        assertThat(gate.admit(idle, ClientAddress.parse("10.9.9.3"))).isTrue();
        now.addAndGet(ConnectionGate.MIN_IDLE_NANOS);
        assertThat(gate.admit(new EmbeddedChannel(), neighbour)).as("room made from the idle one").isTrue();
        assertThat(idle.isOpen()).isFalse();
        now.addAndGet(ConnectionGate.MIN_IDLE_NANOS);
        assertThat(gate.admit(new EmbeddedChannel(), ClientAddress.parse("10.9.9.8")))
                .as("the newcomer admitted before is idle too: it makes room in turn").isTrue();
        now.addAndGet(ConnectionGate.MIN_IDLE_NANOS);
        busy(gate, ClientAddress.parse("10.9.9.9"));
        assertThat(gate.admit(new EmbeddedChannel(), ClientAddress.parse("10.9.9.10"))).as("all three busy: refused").isFalse();
        assertThat(first.isOpen() && second.isOpen()).isTrue();
    }
}

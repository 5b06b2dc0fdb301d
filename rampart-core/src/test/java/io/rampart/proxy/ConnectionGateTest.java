package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.rampart.metrics.GatewayMetrics;
import io.rampart.mitigate.IpSet;
import io.rampart.traffic.ClientAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ConnectionGateTest {
    @Test
    void anAddressSharedByKnownUsers_mayHoldThatManyTimesThePerClientCap() {
        ClientAddress office = ClientAddress.parse("203.0.113.60");
        ClientAddress home = ClientAddress.parse("198.51.100.9");
        ConnectionGate gate = new ConnectionGate(io.rampart.mitigate.AccessLists.of(IpSet.EMPTY, IpSet.EMPTY), 2, 100, new GatewayMetrics(List.of("s")),
                key -> key == office.key() ? 3 : 1);
        for (int i = 0; i < 6; i++) {
            assertThat(gate.admit(new EmbeddedChannel(), office)).as("office connection %d", i).isTrue();
        }
        assertThat(gate.admit(new EmbeddedChannel(), office)).as("the seventh: 3 users x 2").isFalse();
        assertThat(gate.admit(new EmbeddedChannel(), home)).isTrue();
        assertThat(gate.admit(new EmbeddedChannel(), home)).isTrue();
        assertThat(gate.admit(new EmbeddedChannel(), home)).as("one person's address keeps the cap").isFalse();
    }
}

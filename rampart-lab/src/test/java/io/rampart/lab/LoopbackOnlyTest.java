package io.rampart.lab;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import org.junit.jupiter.api.Test;

class LoopbackOnlyTest {
    @Test
    void acceptsAnyAddressIn127Slash8() {
        assertThat(LoopbackOnly.parse("127.0.0.1").getHostAddress()).isEqualTo("127.0.0.1");
        assertThat(LoopbackOnly.parse("127.200.3.4").getHostAddress()).isEqualTo("127.200.3.4");
    }

    @Test
    void refusesAddressesOutsideLoopback() {
        for (String bad : new String[] {"10.0.0.1", "128.0.0.1", "0.0.0.0", "192.168.1.1", "126.255.255.255"}) {
            assertThatThrownBy(() -> LoopbackOnly.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("outside 127.0.0.0/8");
        }
    }

    @Test
    void refusesNamesAndGarbageWithoutLookingThemUp() {
        for (String bad : new String[] {"localhost", "example.org", "127.0.0", "127.0.0.1.5", "127.0.0.256", "", "127.0.0.-1", "1e2.0.0.1"}) {
            assertThatThrownBy(() -> LoopbackOnly.parse(bad))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("is not an IPv4 address");
        }
    }

    @Test
    void refusesUnresolvedAndNonLoopbackSocketAddresses() {
        assertThatThrownBy(() -> LoopbackOnly.require(InetSocketAddress.createUnresolved("victim.example", 80)))
                .hasMessageContaining("not an IPv4 literal");
        assertThatThrownBy(() -> LoopbackOnly.require(new InetSocketAddress("8.8.8.8", 53)))
                .hasMessageContaining("outside 127.0.0.0/8");
    }
}

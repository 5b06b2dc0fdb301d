package io.rampart.mitigate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rampart.traffic.ClientAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class IpSetTest {
    private static boolean in(IpSet s, String a) {
        return s.contains(ClientAddress.parse(a));
    }

    @Test
    void ipv4Networks_matchTheirRangeOnly() {
        IpSet s = IpSet.parse(List.of("192.0.2.0/24", "198.51.100.7", "10.0.0.0/8"));
        assertThat(in(s, "192.0.2.0")).isTrue();
        assertThat(in(s, "192.0.2.255")).isTrue();
        assertThat(in(s, "192.0.3.0")).isFalse();
        assertThat(in(s, "198.51.100.7")).isTrue();
        assertThat(in(s, "198.51.100.8")).isFalse();
        assertThat(in(s, "10.255.255.255")).isTrue();
        assertThat(in(s, "11.0.0.0")).isFalse();
        assertThat(in(s, "2001:db8::1")).isFalse();
    }

    @Test
    void ipv6Networks_andMappedIpv4() {
        IpSet s = IpSet.parse(List.of("2001:db8::/32", "::1/128", "203.0.113.0/24"));
        assertThat(in(s, "2001:db8:ffff::1")).isTrue();
        assertThat(in(s, "2001:db9::")).isFalse();
        assertThat(in(s, "::1")).isTrue();
        assertThat(in(s, "::ffff:203.0.113.9")).isTrue();
    }

    @Test
    void overlappingAndAdjacentEntries_merge() {
        IpSet s = IpSet.parse(List.of("10.0.0.0/25", "10.0.0.128/25", "10.0.0.64/26", "0.0.0.0/0"));
        assertThat(in(s, "255.255.255.255")).isTrue();
        assertThat(in(s, "0.0.0.0")).isTrue();
        IpSet v6all = IpSet.parse(List.of("::/0", "2001:db8::/32"));
        assertThat(in(v6all, "ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff")).isTrue();
    }

    @Test
    void garbage_isRefusedWithTheEntry() {
        assertThatThrownBy(() -> IpSet.parse(List.of("10.0.0.0/8", "example.org"))).hasMessageContaining("example.org");
        assertThatThrownBy(() -> IpSet.parse(List.of("1.2.3.4/40"))).hasMessageContaining("too long");
        assertThatThrownBy(() -> IpSet.parse(List.of("1.2.3"))).hasMessageContaining("not an IP address");
        assertThatThrownBy(() -> IpSet.parse(List.of("1.2.3.4/x"))).hasMessageContaining("prefix length");
    }
}

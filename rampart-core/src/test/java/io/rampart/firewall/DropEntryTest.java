package io.rampart.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class DropEntryTest {
    @Test
    void writesEntriesAsTheKernelListsThem() {
        assertThat(DropEntry.parse("192.0.2.7").toString()).isEqualTo("192.0.2.7");
        assertThat(DropEntry.parse("192.0.2.7/24").toString()).isEqualTo("192.0.2.0/24");
        assertThat(DropEntry.parse("2001:db8:0:0:0:0:0:1").toString()).isEqualTo("2001:db8::1");
        assertThat(DropEntry.parse("2001:db8:1:2::/48").toString()).isEqualTo("2001:db8:1::/48");
        assertThat(DropEntry.parse("::/0").toString()).isEqualTo("::/0");
        assertThat(DropEntry.parse("0.0.0.0/0").toString()).isEqualTo("0.0.0.0/0");
        assertThat(DropEntry.parse("fe80:0:0:1:0:0:0:0").toString()).isEqualTo("fe80:0:0:1::");
    }

    @Test
    void anAddressIsNotAPrefix() {
        assertThat(DropEntry.parse("192.0.2.7").isAddress()).isTrue();
        assertThat(DropEntry.parse("192.0.2.7/32").isAddress()).isTrue();
        assertThat(DropEntry.parse("192.0.2.0/31").isAddress()).isFalse();
        assertThat(DropEntry.parse("2001:db8::1").isAddress()).isTrue();
    }

    @Test
    void containsWhatLiesWhollyInside() {
        DropEntry net = DropEntry.parse("198.51.100.0/24");
        assertThat(net.contains(DropEntry.parse("198.51.100.9"))).isTrue();
        assertThat(net.contains(DropEntry.parse("198.51.100.128/25"))).isTrue();
        assertThat(net.contains(DropEntry.parse("198.51.0.0/16"))).isFalse();
        assertThat(net.contains(DropEntry.parse("198.51.101.9"))).isFalse();
        assertThat(net.contains(DropEntry.parse("2001:db8::c633:6409"))).isFalse();
        assertThat(DropEntry.parse("2001:db8::/32").contains(DropEntry.parse("2001:db8:5::1"))).isTrue();
    }

    @Test
    void widensAnAddressToItsNetwork() {
        assertThat(DropEntry.parse("203.0.113.77").widen(24)).isEqualTo(DropEntry.parse("203.0.113.0/24"));
        assertThat(DropEntry.parse("2001:db8:1:2::5").widen(48)).isEqualTo(DropEntry.parse("2001:db8:1::/48"));
    }

    @Test
    void refusesWhatIsNotAnAddress() {
        assertThatThrownBy(() -> DropEntry.parse("not-an-address")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> DropEntry.parse("192.0.2.0/33")).isInstanceOf(IllegalArgumentException.class);
    }
}

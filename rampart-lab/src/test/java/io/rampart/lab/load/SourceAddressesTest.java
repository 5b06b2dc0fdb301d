package io.rampart.lab.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.lab.Kind;
import java.net.InetAddress;
import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class SourceAddressesTest {
    @Test
    void tenThousandFloodersGetDistinctLoopbackAddressesEachInItsOwnSlash24() {
        Set<InetAddress> addresses = new HashSet<>();
        Set<String> prefixes = new HashSet<>();
        for (int i = 0; i < 10_000; i++) {
            InetAddress a = SourceAddresses.of(Kind.FLOODER, i, 1);
            byte[] b = a.getAddress();
            assertThat(b[0]).isEqualTo((byte) 127);
            addresses.add(a);
            prefixes.add((b[1] & 0xff) + "." + (b[2] & 0xff));
        }
        assertThat(addresses).hasSize(10_000);
        assertThat(prefixes).hasSize(10_000);
    }

    @Test
    void perPrefixPacksSourcesIntoOneSlash24() {
        Set<String> prefixes = new HashSet<>();
        for (int i = 0; i < 100; i++) {
            byte[] b = SourceAddresses.of(Kind.FLOODER, i, 50).getAddress();
            prefixes.add((b[1] & 0xff) + "." + (b[2] & 0xff));
        }
        assertThat(prefixes).hasSize(2);
    }

    @Test
    void theOfficeIsOneAddressAndKindsNeverShareAddresses() {
        assertThat(SourceAddresses.of(Kind.OFFICE, 0, 1)).isEqualTo(SourceAddresses.of(Kind.OFFICE, 59, 1));
        Set<InetAddress> seen = new HashSet<>();
        for (Kind k : Kind.values()) {
            Set<InetAddress> mine = new HashSet<>();
            for (int i = 0; i < 2000; i++) {
                mine.add(SourceAddresses.of(k, i, 1));
            }
            for (InetAddress a : mine) {
                assertThat(seen.add(a)).as("%s shared by another kind", a).isTrue();
            }
        }
    }

    @Test
    void pastTheRangesSlash24sClientsStillGetDistinctAddresses() {
        Set<InetAddress> feeds = new HashSet<>();
        for (int i = 0; i < 5000; i++) {
            feeds.add(SourceAddresses.of(Kind.FEED, i, 1));
        }
        assertThat(feeds).hasSize(5000);
    }
}

package io.rampart.mitigate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rampart.traffic.ClientAddress;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class AccessListsTest {
    private static final Instant AT = Instant.parse("2026-11-20T19:00:00Z");

    @Test
    void runTimeEntries_joinTheConfiguredOnes_andSurviveAReconfiguration() {
        AccessLists lists = new AccessLists(List.of("10.0.0.0/8"), List.of());
        ClientAddress bot = ClientAddress.parse("203.0.113.9");
        assertThat(lists.denied(bot)).isFalse();
        lists.add("deny", "203.0.113.0/24", "operator@127.0.0.1", "botnet", AT);
        assertThat(lists.denied(bot)).isTrue();
        assertThat(lists.allowed(ClientAddress.parse("10.1.2.3"))).isTrue();
        AccessLists reloaded = lists;
        reloaded.reconfigure(List.of(), List.of("198.51.100.0/24"));
        assertThat(reloaded.allowed(ClientAddress.parse("10.1.2.3"))).as("the file no longer allows it").isFalse();
        assertThat(reloaded.denied(bot)).as("the operator's entry stays").isTrue();
        assertThat(reloaded.denied(ClientAddress.parse("198.51.100.4"))).isTrue();
        assertThat(reloaded.remove("deny", "203.0.113.0/24")).isTrue();
        assertThat(reloaded.denied(bot)).isFalse();
        assertThat(reloaded.remove("deny", "198.51.100.0/24")).as("configured entries are changed in the file").isFalse();
    }

    @Test
    void garbage_isRefusedWithItsName() {
        AccessLists lists = new AccessLists(List.of(), List.of());
        assertThatThrownBy(() -> lists.add("deny", "300.1.2.3/24", "o", null, AT)).hasMessageContaining("300.1.2.3");
        assertThatThrownBy(() -> lists.add("block", "10.0.0.0/8", "o", null, AT)).hasMessage("expected list allow or deny, got 'block'");
        assertThat(lists.runtimeEntries()).isEmpty();
    }
}

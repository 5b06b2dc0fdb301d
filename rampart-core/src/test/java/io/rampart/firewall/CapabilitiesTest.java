package io.rampart.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class CapabilitiesTest {
    @Test
    void readsCapNetAdminFromTheEffectiveSet(@TempDir Path dir) throws Exception {
        Path root = Files.writeString(dir.resolve("root"), "Name:\tjava\nCapInh:\t0000000000000000\nCapEff:\t000001ffffffffff\n");
        Path bindOnly = Files.writeString(dir.resolve("bind"), "CapEff:\t0000000000000400\n"); // CAP_NET_BIND_SERVICE alone
        Path garbage = Files.writeString(dir.resolve("garbage"), "CapEff:\tnot-hex\n");
        assertThat(Capabilities.hasNetAdmin(root)).isTrue();
        assertThat(Capabilities.hasNetAdmin(bindOnly)).isFalse();
        assertThat(Capabilities.hasNetAdmin(garbage)).isFalse();
        assertThat(Capabilities.hasNetAdmin(dir.resolve("missing"))).isFalse();
    }

    @Test
    void theRefusalSaysWhatIsMissingAndBothWaysOut() {
        assertThat(Capabilities.missingMessage()).contains("CAP_NET_ADMIN", "firewall.conf", "firewall.enabled: false");
    }
}

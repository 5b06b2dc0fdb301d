package io.rampart.lab.target;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class RampartTargetTest {
    @Test
    void extraYaml_replacesTheTemplatesBlockOfTheSameKey_andKeepsTheRest() {
        String base = """
                listeners:
                  - address: '127.0.0.1:1'
                detection:
                  stateDir: '/tmp/x'   # comment
                knownUsers:
                  cookies: [sid]
                """;
        String merged = RampartTarget.withExtra(base, "detection: {enabled: false}\nadmission:\n  enabled: false\n");
        assertThat(merged).contains("listeners:\n  - address: '127.0.0.1:1'\n").contains("knownUsers:\n  cookies: [sid]\n")
                .contains("detection: {enabled: false}").contains("admission:\n  enabled: false")
                .doesNotContain("stateDir");
        assertThat(RampartTarget.withExtra(base, "")).isEqualTo(base);
    }
}

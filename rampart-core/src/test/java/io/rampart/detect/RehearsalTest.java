package io.rampart.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.config.ConfigLoader;
import io.rampart.config.DetectionConfig;
import org.junit.jupiter.api.Test;

class RehearsalTest {
    private static DetectionConfig detection(String yaml) throws Exception {
        String text = "sites:\n  - {name: s, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}\ndetection:\n" + yaml.indent(2);
        return new ConfigLoader().parse(text, "test.yml").detection();
    }

    @Test
    void theRehearsedFloodReachesTheSignatureSearch_andEndsWithARule_inEveryRound() throws Exception {
        assertThat(Rehearsal.run(detection("tick: 1s"), 3)).isEqualTo(3);
    }

    @Test
    void withTheDefaultTickAndAHighMinRate_theRehearsalStillFindsItsRule() throws Exception {
        assertThat(Rehearsal.run(detection("minRate: 400"), 2)).isEqualTo(2);
    }

    @Test
    void inShadowMode_theRehearsalStillRunsTheSearch() throws Exception {
        assertThat(Rehearsal.run(detection("shadow: true\nlearnFor: 30s"), 1)).isEqualTo(1);
    }
}

package io.rampart.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.config.ChallengeConfig;
import io.rampart.config.KnownUsersConfig;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GatekeeperTest {
    private static Gatekeeper gatekeeper(int difficulty) {
        ChallengeConfig c = new ChallengeConfig(null, null, null, difficulty, null, null, null, null, null);
        AtomicLong nanos = new AtomicLong();
        return new Gatekeeper(c, KnownUsersConfig.DEFAULT, System::currentTimeMillis, nanos::get);
    }

    @Test
    void theDifficultyRisesWithTheSitesThreat_withinWhatAPhoneCanPay() {
        Gatekeeper g = gatekeeper(14);
        assertThat(g.difficultyFor(false, "normal")).isEqualTo(14);
        assertThat(g.difficultyFor(false, "suspect")).isEqualTo(15);
        assertThat(g.difficultyFor(false, "attack")).isEqualTo(16);
        assertThat(g.difficultyFor(true, "attack")).isEqualTo(18);
        assertThat(gatekeeper(19).difficultyFor(true, "attack")).as("never above the cap").isEqualTo(Gatekeeper.MAX_BITS);
        assertThat(g.difficultyFor(false, null)).isEqualTo(14);
    }
}

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

    @Test
    void onlyAValidTokenSetByTheOrigin_logsSomeoneIn_andOneAccountIsOnePerson() {
        String secret = "a-secret-shared-with-the-site";
        Gatekeeper g = new Gatekeeper(new ChallengeConfig(null, null, null, 8, null, null, null, null, null),
                new KnownUsersConfig(null, null, "rampart_user", secret, null), System::currentTimeMillis, new AtomicLong()::get);
        UserTokens tokens = new UserTokens(secret, System::currentTimeMillis);
        long exp = System.currentTimeMillis() / 1000 + 3600;
        String alice = tokens.mint("alice", exp);
        long person = g.loggedIn("rampart_user=" + alice + "; Path=/; HttpOnly");
        assertThat(person).isNotZero();
        assertThat(g.loggedIn("rampart_user=" + tokens.mint("alice", exp + 60))).as("a second token of the same account").isEqualTo(person);
        assertThat(g.loggedIn("rampart_user=" + tokens.mint("bob", exp))).isNotZero().isNotEqualTo(person);
        for (String garbage : new String[] {"rampart_user=" + alice.substring(0, alice.length() - 1) + (alice.endsWith("0") ? "1" : "0"), // forged signature (one character changed: a token already ending in 0 was no forgery, a 1-in-64 flake)
                "rampart_user=" + new UserTokens("another-secret", System::currentTimeMillis).mint("alice", exp),
                "rampart_user=" + tokens.mint("alice", System.currentTimeMillis() / 1000 - 1), // expired
                "rampart_userx=" + alice, "sid=" + alice, "rampart_user", "rampart_user=", "rampart_user=;", "", "=;;=",
                "rampart_user=" + alice + "junk", "rampart_user=x" + alice}) {
            assertThat(g.loggedIn(garbage)).as(garbage).isZero();
        }
        assertThat(g.loggedIn(null)).isZero();
        assertThat(gatekeeper(8).loggedIn("rampart_user=" + alice)).as("no token configured").isZero();
    }
}

package io.rampart.challenge;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.config.ChallengeConfig;
import io.rampart.config.VerifiedBotConfig;
import io.rampart.traffic.ClientAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class ChallengePolicyTest {
    private final ChallengePolicy policy = new ChallengePolicy(new ChallengeConfig(null, null, null, null, null, null, null,
            List.of(new VerifiedBotConfig("google", "Googlebot", List.of("66.249.64.0/19"))), null));
    private final ClientAddress someone = ClientAddress.parse("203.0.113.9");

    @Test
    void feedsApisAndWellKnownPaths_areNeverChallenged() {
        for (String p : new String[] {"/robots.txt", "/.well-known/acme-challenge/x", "/api/v1/items", "/feed", "/feed/",
                "/news/index.rss", "/blog/atom.XML?x=1", "/sitemap.xml", "/podcast.atom"}) {
            assertThat(policy.exempt(p, "Mozilla/5.0", someone)).as(p).isTrue();
        }
        for (String p : new String[] {"/", "/news", "/donate?amount=5", "/xml", "/apix"}) {
            assertThat(policy.exempt(p, "Mozilla/5.0", someone)).as(p).isFalse();
        }
    }

    @Test
    void verifiedBot_needsBothItsUserAgentAndItsNetwork() {
        String ua = "Mozilla/5.0 (compatible; Googlebot/2.1; +http://www.google.com/bot.html)";
        assertThat(policy.exempt("/news", ua, ClientAddress.parse("66.249.66.1"))).isTrue();
        assertThat(policy.exempt("/news", ua, someone)).as("a bot that only claims the name").isFalse();
        assertThat(policy.exempt("/news", "Mozilla/5.0", ClientAddress.parse("66.249.66.1"))).isFalse();
        assertThat(policy.exempt("/news", null, ClientAddress.parse("66.249.66.1"))).isFalse();
    }
}

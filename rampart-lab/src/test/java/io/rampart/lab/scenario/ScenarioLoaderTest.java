package io.rampart.lab.scenario;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ScenarioLoaderTest {
    private static final String MINIMAL = "name: tiny\nduration: 4s\nlegit:\n  - {persona: api, clients: 2}\n";

    @Test
    void everyBuiltInScenarioLoads_inTheListedOrder() {
        assertThat(ScenarioLoader.builtInNames()).containsExactly("baseline", "single-source-flood", "distributed-flood",
                "cache-busting-flood", "login-flood", "slow-attacks", "connection-hog", "flash-crowd", "office-nat", "pulse-wave",
                "priority-lane", "cold-start-flood", "residential-flood", "cgnat", "browser-botnet");
        for (String name : ScenarioLoader.builtInNames()) {
            Scenario s = ScenarioLoader.load(name);
            assertThat(s.name()).isEqualTo(name);
            assertThat(s.summary()).isNotBlank();
            assertThat(s.legit()).isNotEmpty();
            assertThat(s.hasAttack()).isEqualTo(!name.equals("baseline") && !name.equals("flash-crowd"));
        }
    }

    @Test
    void theEventWindowIsTheAttackOrTheSurge() {
        assertThat(ScenarioLoader.load("distributed-flood").window()).containsExactly(10, 35);
        assertThat(ScenarioLoader.load("flash-crowd").window()).containsExactly(10, 35);
        assertThat(ScenarioLoader.load("baseline").window()).containsExactly(0, 40);
    }

    @Test
    void aShorterDurationScalesEveryPhaseInProportion() {
        Scenario s = ScenarioLoader.load("pulse-wave").withDuration(Duration.ofSeconds(20));
        Group attack = s.attacks().get(0);
        assertThat(attack.startOr()).isEqualTo(Duration.ofSeconds(4));
        assertThat(attack.end(s.duration())).isEqualTo(Duration.ofSeconds(19));
        assertThat(attack.pulse().on()).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aPulseIsOnThenOff() {
        Group g = ScenarioLoader.load("pulse-wave").attacks().get(0);
        assertThat(g.pulseOn(Duration.ofSeconds(1).toNanos())).isTrue();
        assertThat(g.pulseOn(Duration.ofSeconds(7).toNanos())).isFalse();
        assertThat(g.pulseOn(Duration.ofSeconds(13).toNanos())).isTrue();
    }

    @Test
    void unknownFieldsNameTheLineAndTheKnownFields() {
        assertThatThrownBy(() -> ScenarioLoader.parse(MINIMAL + "atacks: []\n", "x.yml"))
                .isInstanceOf(ScenarioException.class)
                .hasMessageContaining("x.yml: line 5: unknown field 'atacks'")
                .hasMessageContaining("attacks");
    }

    @Test
    void badValuesGetPreciseMessages() {
        assertError(MINIMAL.replace("4s", "four seconds"), "not a duration such as 500ms");
        assertError(MINIMAL.replace("api", "hacker"), "legit[0].persona: unknown persona 'hacker'");
        assertError(MINIMAL.replace("api", "flooder"), "legit[0].persona: 'flooder' belongs in attacks");
        assertError(MINIMAL.replace("clients: 2", "clients: 0"), "legit[0].clients: between 1 and 50000");
        assertError(MINIMAL + "attacks:\n  - {persona: flooder, start: 9s}\n", "attacks[0].start: 9.0s is not before the end of the run");
        assertError(MINIMAL + "attacks:\n  - {persona: flooder, method: DELETE}\n", "attacks[0].method: GET or POST");
        assertError(MINIMAL + "attacks:\n  - {persona: flooder, path: search}\n", "attacks[0].path: must start with /");
        assertError(MINIMAL + "attacks:\n  - {persona: flooder, pulse: {on: 0s, off: 1s}}\n", "attacks[0].pulse");
        assertError(MINIMAL + "success: {legitOkMin: 95}\n", "success.legitOkMin: a share between 0 and 1");
        assertError(MINIMAL + "success: {legitP99MaxRatio: 0.5}\n", "success.legitP99MaxRatio: a ratio of 1 or more");
        assertError(MINIMAL + "success: {knownP99MaxRatio: -2}\n", "success.knownP99MaxRatio: a ratio of 1 or more");
        assertError(MINIMAL + "success: {legitP99MaxRatio: twice}\n", "line 5: Cannot deserialize value of type `java.lang.Double` from String \"twice\"");
        assertError("name: Bad Name\nduration: 4s\nlegit: [{persona: api}]\n", "name: required");
        assertError("name: x\nduration: 4s\n", "legit: at least one legitimate group");
        assertError(MINIMAL + "duration: 5s\n", "Duplicate field 'duration'");
        assertError(MINIMAL.replace("{persona: api, clients: 2}", "{persona: visitor, think: 6s..2s}"), "think: min above max");
        assertError(MINIMAL.replace("{persona: api, clients: 2}", "{persona: visitor, think: 'soon'}"), "not a duration");
        assertError(MINIMAL + "attacks:\n  - {persona: flooder, headers: fancy}\n", "attacks[0].headers: plain or browser");
        assertError(MINIMAL.replace("{persona: api, clients: 2}", "{persona: api, clients: 2, headers: browser}"), "legit[0].headers: only for flooders");
        assertError(MINIMAL.replace("{persona: api, clients: 2}", "{persona: visitor, clients: 2, solves: true}"), "legit[0].solves: only for flooders");
        assertError(MINIMAL.replace("{persona: api, clients: 2}", "{persona: visitor, clients: 2, behind: 3}"), "legit[0].behind: legitimate groups only, between 1");
        assertError(MINIMAL + "attacks:\n  - {persona: flooder, behind: 1}\n", "attacks[0].behind: legitimate groups only");
        assertError("", "empty file");
        assertError("- just\n- a list\n", "x.yml");
    }

    @Test
    void issue17sScenarios_askForWhatTheySay() {
        assertThat(ScenarioLoader.load("cold-start-flood").cold()).as("no warm-up").isTrue();
        assertThat(ScenarioLoader.load("residential-flood").cold()).isFalse();
        Group residential = ScenarioLoader.load("residential-flood").attacks().get(0);
        assertThat(residential.browserHeaders()).isTrue();
        assertThat(residential.rotatingUserAgent()).isTrue();
        Group nat = ScenarioLoader.load("cgnat").legit().stream().filter(g -> g.behind() != null).findFirst().orElseThrow();
        assertThat(nat.clientCount()).isEqualTo(300);
        assertThat(nat.addressCount()).as("a hundred readers an address").isEqualTo(3);
        assertThat(ScenarioLoader.load("browser-botnet").attacks().get(0).solvesChallenges()).isTrue();
        assertThat(ScenarioLoader.load("cold-start-flood").withDuration(Duration.ofSeconds(15)).cold()).as("kept when stretched").isTrue();
    }

    @Test
    void unknownScenarioNamesPointToTheList() {
        assertThatThrownBy(() -> ScenarioLoader.load("no-such-drill"))
                .hasMessageContaining("no scenario named 'no-such-drill'")
                .hasMessageContaining("lab list");
        assertThatThrownBy(() -> ScenarioLoader.load("../../etc/passwd")).hasMessageContaining("no scenario named");
        assertThatThrownBy(() -> ScenarioLoader.load("/nonexistent/file.yml")).hasMessageContaining("cannot read");
    }

    private static void assertError(String yaml, String message) {
        assertThatThrownBy(() -> ScenarioLoader.parse(yaml, "x.yml"))
                .isInstanceOf(ScenarioException.class)
                .hasMessageContaining(message);
    }
}

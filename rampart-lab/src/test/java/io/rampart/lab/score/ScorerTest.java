package io.rampart.lab.score;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.lab.Kind;
import io.rampart.lab.load.Outcome;
import io.rampart.lab.load.Tally;
import io.rampart.lab.origin.OriginStats;
import io.rampart.lab.scenario.Scenario;
import io.rampart.lab.scenario.ScenarioLoader;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ScorerTest {
    private static final Scenario FLOOD = ScenarioLoader.parse("""
            name: flood
            duration: 10s
            legit: [{persona: api, clients: 4}]
            attacks: [{persona: flooder, clients: 10, start: 2s, duration: 6s}]
            success: {legitOkMin: 0.9, attackToOriginMaxShare: 0.2, timeToMitigateMaxSeconds: 2, originOverCapacityMaxSeconds: 1, legitClientsRefusedMax: 0}
            """, "test");

    @Test
    void timeToMitigateIsTheFirstSecondFromWhichNinetyPercentStayOffTheOrigin() {
        Tally t = new Tally(10, 2, 8);
        OriginStats o = new OriginStats(10, 250_000_000L);
        long[] arrivals = {100, 100, 5, 15, 5, 5};   // second 4 keeps 95% off, second 5 dips to 85%...
        for (int i = 0; i < arrivals.length; i++) {
            flood(t, o, 2 + i, 100, arrivals[i]);
        }
        // ...yet seconds 4-7 together keep 370 of 400 off: mitigated from second 4, 3 s after onset at second 2
        assertThat(Scorer.timeToMitigate(t, o, 2, 8)).isEqualTo(3.0);
    }

    @Test
    void pulsingFlood_isScoredWaveByWave_eachFromItsOwnOnset() {
        Tally t = new Tally(12, 1, 11);
        OriginStats o = new OriginStats(12, 250_000_000L);
        flood(t, o, 1, 100, 80);   // first wave: reaches the origin in its first second...
        flood(t, o, 2, 100, 0);    // ...then is stopped
        flood(t, o, 5, 100, 0);    // second wave, after a silence: stopped at once
        flood(t, o, 6, 100, 0);
        java.util.List<TargetScore.Wave> waves = Scorer.waves(t, o, 1, 11);
        assertThat(waves).hasSize(2);
        assertThat(waves.get(0).onsetSecond()).isEqualTo(1);
        assertThat(waves.get(0).reachedOrigin()).isEqualTo(80);
        assertThat(waves.get(0).timeToMitigateSeconds()).isEqualTo(2.0);
        assertThat(waves.get(1).onsetSecond()).isEqualTo(5);
        assertThat(waves.get(1).sent()).isEqualTo(200);
        assertThat(waves.get(1).reachedOrigin()).isZero();
        assertThat(waves.get(1).timeToMitigateSeconds()).isEqualTo(1.0);
    }

    @Test
    void aChallengeBeforeTheWindowSolvedInsideIt_isNoAnswerTheWindowNeverHad() {
        Tally t = new Tally(10, 2, 8);
        OriginStats o = new OriginStats(10, 250_000_000L);
        t.sent(Kind.VISITOR, 1);
        t.ended(Kind.VISITOR, 0, 1, Outcome.CHALLENGED, 1_000_000L); // challenged at second 1, before the window
        t.sent(Kind.VISITOR, 2);
        t.ended(Kind.VISITOR, 0, 2, Outcome.OK, 1_000_000L);         // its page, inside the window
        t.challengeSolved(Kind.VISITOR, 0, 1, 1_200_000_000L);       // counted in the challenge's second
        t.sent(Kind.VISITOR, 4);
        t.ended(Kind.VISITOR, 1, 4, Outcome.CHALLENGED, 1_000_000L); // challenged and solved inside the window
        t.sent(Kind.VISITOR, 5);
        t.ended(Kind.VISITOR, 1, 5, Outcome.OK, 1_000_000L);
        t.challengeSolved(Kind.VISITOR, 1, 4, 900_000_000L);
        TargetScore s = Scorer.score("gw", FLOOD, t, o, 1.0, 100.0);
        assertThat(s.legitRequests()).isEqualTo(3);
        assertThat(s.legitOkShare()).as("never over 100%%").isEqualTo(1.0);
        assertThat(s.legitClientsRefused()).isZero();
    }

    @Test
    void aFloodThatKeepsReachingTheOriginIsNeverMitigated() {
        Tally t = new Tally(10, 2, 8);
        OriginStats o = new OriginStats(10, 250_000_000L);
        for (int s = 2; s < 8; s++) {
            flood(t, o, s, 100, s == 7 ? 0 : 60);
        }
        // only the last second is clean: mitigated 6 s after onset
        assertThat(Scorer.timeToMitigate(t, o, 2, 8)).isEqualTo(6.0);
        Flood never = steadyFlood(60);
        assertThat(Scorer.timeToMitigate(never.t(), never.o(), 2, 8)).isNull();
    }

    @Test
    void aTargetIsScoredAgainstEveryCriterionWithReasons() {
        Flood f = steadyFlood(50);
        Tally t = f.t();
        OriginStats o = f.o();
        o.shed(3);
        o.shed(4);
        for (int i = 0; i < 8; i++) {
            t.sent(Kind.API, 3);
            t.ended(Kind.API, i % 4, 3, i < 6 ? Outcome.OK : Outcome.LIMITED, 5_000_000L);
        }
        TargetScore s = Scorer.score("gw", FLOOD, t, o, 1.5, 100.0);
        assertThat(s.legitOkShare()).isEqualTo(0.75);
        assertThat(s.perPersona()).containsOnlyKeys("api");
        assertThat(s.legitP50Millis()).isCloseTo(5.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(s.attackToOriginShare()).isEqualTo(0.5);
        assertThat(s.originOverCapacitySeconds()).isEqualTo(2);
        assertThat(s.legitClientsRefused()).isEqualTo(2);
        assertThat(s.timeToMitigateSeconds()).isNull();
        assertThat(s.pass()).isFalse();
        assertThat(s.failures()).containsExactly(
                "legitimate success 75.0% < 90.0%",
                "attack reaching origin 50.0% > 20.0%",
                "origin over capacity 2 s > 1 s",
                "time to mitigate never > 2 s",
                "2 legitimate clients refused > 0");
    }

    @Test
    void knownUsers_areJudgedOnTheirOwnSuccessAndOnTheirP99AgainstBeforeTheAttack() {
        Scenario known = ScenarioLoader.parse("""
                name: known
                duration: 10s
                legit: [{persona: staff, clients: 2}]
                success: {knownOkMin: 0.999, knownP99MaxRatio: 2.0}
                """, "test");
        Flood f = steadyFlood(0);
        Tally t = f.t();
        for (int i = 0; i < 100; i++) {
            t.ended(Kind.STAFF, 0, 1, Outcome.OK, 10_000_000L);            // before the attack: 10 ms
            t.ended(Kind.STAFF, 0, 3, Outcome.OK, i < 95 ? 12_000_000L : 30_000_000L);
        }
        t.ended(Kind.STAFF, 1, 4, Outcome.SHED, 1_000_000L);
        TargetScore s = Scorer.score("gw", known, t, f.o(), null, null);
        assertThat(s.perPersona().get("staff").baselineP99Millis()).isCloseTo(10.0, org.assertj.core.data.Offset.offset(0.1));
        assertThat(s.failures()).containsExactly(
                "known users' success 99.01% < 99.90%",
                "known users' p99 30 ms > 2.0 x their 10 ms before the attack");
        assertThat(Report.table(new ScenarioResult("known", "", 10, 2, 8, "d", "v", Map.of(), Map.of(), Map.of(), Map.of(),
                List.of(s), List.of()))).contains("staff p99 before / during").contains("10 ms / 30 ms");
    }

    @Test
    void realUsersP99_isJudgedAgainstTheirP99BeforeTheAttack() {
        Scenario sc = ScenarioLoader.parse("""
                name: ratio
                duration: 10s
                legit: [{persona: api, clients: 2}]
                success: {legitP99MaxRatio: 2.0}
                """, "test");
        Flood f = steadyFlood(0);
        Tally t = f.t();
        for (int i = 0; i < 100; i++) {
            t.ended(Kind.API, 0, 1, Outcome.OK, 20_000_000L);            // before the attack: 20 ms
            t.ended(Kind.API, 0, 3, Outcome.OK, i < 95 ? 25_000_000L : 90_000_000L);
        }
        TargetScore slow = Scorer.score("gw", sc, t, f.o(), null, null);
        assertThat(slow.failures()).containsExactly("legitimate p99 90 ms > 2.0 x the 20 ms before the attack");

        Flood g = steadyFlood(0);
        Tally u = g.t();
        for (int i = 0; i < 100; i++) {
            u.ended(Kind.API, 0, 1, Outcome.OK, 20_000_000L);
            u.ended(Kind.API, 0, 3, Outcome.OK, 35_000_000L);
        }
        assertThat(Scorer.score("gw", sc, u, g.o(), null, null).failures()).as("1.75x: within the bound").isEmpty();
    }

    @Test
    void aCleanTargetPasses() {
        Flood f = steadyFlood(1);
        Tally t = f.t();
        OriginStats o = f.o();
        t.sent(Kind.API, 3);
        t.ended(Kind.API, 1, 3, Outcome.OK, 1_000_000L);
        TargetScore s = Scorer.score("gw", FLOOD, t, o, null, null);
        assertThat(s.failures()).isEmpty();
        assertThat(s.pass()).isTrue();
        assertThat(s.timeToMitigateSeconds()).isEqualTo(1.0);
    }

    @Test
    void theJsonAndTheMarkdownCarryTheSameFigures() {
        Flood f = steadyFlood(7);
        Tally t = f.t();
        OriginStats o = f.o();
        t.sent(Kind.API, 3);
        t.ended(Kind.API, 1, 3, Outcome.OK, 12_300_000L);
        TargetScore a = Scorer.score("none", FLOOD, t, o, null, null);
        TargetScore b = Scorer.score("rampart", FLOOD, t, o, 2.5, 150.0);
        ScenarioResult r = new ScenarioResult("flood", "a test", 10, 2, 8, "2026-11-23 00:00 UTC", "rampart dev",
                Map.of("summary", "2 cores"), Map.of(), Map.of(), Map.of(), List.of(a, b), List.of("a warning"));
        String json = Report.json(r);
        ScenarioResult back = Report.parseJson(json);
        assertThat(back).isEqualTo(r);
        assertThat(Report.markdown(back)).isEqualTo(Report.markdown(r));
        String md = Report.markdown(r);
        assertThat(md).contains("| flood reaching origin | 42 (7.0%) | 42 (7.0%) |");
        assertThat(md).contains("| gateway CPU | - | 2.5 s |").contains("| gateway peak RSS | - | 150 MB |");
        assertThat(md).contains("| legitimate p50 / p99 (window) | 12 ms / 12 ms | 12 ms / 12 ms |");
        assertThat(md).contains("warning: a warning");
        assertThat(Report.table(r)).contains("flood reaching origin").contains("42 (7.0%)");
    }

    /** A tally and origin counts for a flood of 100 requests/s in seconds 2-7, {@code arrived} of them reaching the origin each second. */
    private static Flood steadyFlood(long arrived) {
        Tally t = new Tally(10, 2, 8);
        OriginStats o = new OriginStats(10, 250_000_000L);
        for (int s = 2; s < 8; s++) {
            flood(t, o, s, 100, arrived);
        }
        return new Flood(t, o);
    }

    private record Flood(Tally t, OriginStats o) {
    }

    private static void flood(Tally t, OriginStats o, int second, int sent, long arrived) {
        for (int i = 0; i < sent; i++) {
            t.sent(Kind.FLOODER, second);
            t.ended(Kind.FLOODER, -1, second, i < arrived ? Outcome.OK : Outcome.LIMITED, 1_000_000L);
        }
        for (int i = 0; i < arrived; i++) {
            o.arrived(Kind.FLOODER, second);
        }
    }
}

package io.rampart.lab.load;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.lab.Kind;
import io.rampart.lab.RunClock;
import io.rampart.lab.origin.LabOrigin;
import io.rampart.lab.origin.OriginCapacity;
import io.rampart.lab.scenario.Scenario;
import io.rampart.lab.scenario.ScenarioLoader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The generator against the origin directly (the lab's {@code none} target): what it counts must match what arrived. */
class GeneratorAccountingTest {
    private final LoadGenerator generator = new LoadGenerator(1, Duration.ofSeconds(2));
    private LabOrigin origin;

    @AfterEach
    void stop() {
        generator.close();
        if (origin != null) {
            origin.close();
        }
    }

    @Test
    void everyRequestSentIsAccountedForAndMatchesWhatTheOriginCounted() throws Exception {
        Scenario s = ScenarioLoader.parse("""
                name: accounting
                duration: 4s
                legit:
                  - {persona: visitor, clients: 3, think: 100ms..200ms}
                  - {persona: api, clients: 3, interval: 200ms}
                  - {persona: staff, clients: 2, think: 100ms..200ms}
                attacks:
                  - {persona: flooder, clients: 5, rate: 20, path: '/static/logo.svg?{rand}', start: 1s, duration: 2s}
                """, "test");
        Tally t = runAgainstOrigin(s, OriginCapacity.DEFAULT);

        long floodSent = t.sentSeries().total(Kind.FLOODER);
        assertThat(floodSent).isBetween(120L, 230L); // 5 sources x 20/s x 2 s
        long floodEnded = t.ended(Kind.FLOODER, false);
        long floodAtOrigin = origin.stats().arrivals().total(Kind.FLOODER);
        assertThat(floodAtOrigin).isBetween(floodEnded, floodSent);
        assertThat(t.outcomes(Kind.FLOODER, Outcome.OK, false)).isEqualTo(floodEnded);
        for (Kind k : new Kind[] {Kind.VISITOR, Kind.API, Kind.STAFF}) {
            assertThat(t.ended(k, false)).as("%s requests", k).isPositive();
            assertThat(t.outcomes(k, Outcome.OK, false)).as("%s all answered well", k).isEqualTo(t.ended(k, false));
            // a request is counted at the origin before it is answered, so the origin saw at least what ended
            assertThat(origin.stats().arrivals().total(k)).isBetween(t.ended(k, false), t.sentSeries().total(k));
        }
        assertThat(t.latency(Kind.API, true).getTotalCount()).isEqualTo(t.outcomes(Kind.API, Outcome.OK, true));
        assertThat(t.refusedLegitClients()).isZero();
        assertThat(t.legitClients()).isEqualTo(8);
        // every simulated client came from its own loopback address
        assertThat(origin.stats().distinctSources()).isEqualTo(3 + 3 + 2 + 5);
        // a visitor fetched pages and, once each, the four assets its page links
        assertThat(origin.stats().arrivals().total(Kind.VISITOR)).isGreaterThanOrEqualTo(3 * 5);
    }

    @Test
    void theOfficePersonaSharesOneAddress() throws Exception {
        Scenario s = ScenarioLoader.parse("""
                name: office
                duration: 2s
                legit:
                  - {persona: office, clients: 6, think: 100ms..200ms}
                """, "test");
        Tally t = runAgainstOrigin(s, OriginCapacity.DEFAULT);
        assertThat(t.ended(Kind.OFFICE, false)).isGreaterThan(6);
        assertThat(origin.stats().distinctSources()).isEqualTo(1);
    }

    @Test
    void aTargetThatDoesNotAnswerInTimeCountsTimeoutsAndOneThatIsDownCountsResets() throws Exception {
        OriginCapacity slow = new OriginCapacity(16, 512, Duration.ofSeconds(30), 512, Duration.ofSeconds(30),
                Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofSeconds(5), Duration.ofMillis(250));
        Scenario s = ScenarioLoader.parse("name: t\nduration: 3s\nlegit:\n  - {persona: api, clients: 2, interval: 100ms}\n", "test");
        Tally timedOut = runAgainstOrigin(s, slow);
        assertThat(timedOut.outcomes(Kind.API, Outcome.TIMEOUT, false)).isPositive();
        assertThat(timedOut.outcomes(Kind.API, Outcome.OK, false)).isZero();

        int closedPort;
        try (ServerSocket probe = new ServerSocket(0)) {
            closedPort = probe.getLocalPort();
        }
        Tally down = generator.run(s, new InetSocketAddress("127.0.0.1", closedPort), "campaign.test", RunClock.system());
        assertThat(down.outcomes(Kind.API, Outcome.RESET, false)).isPositive();
        assertThat(down.outcomes(Kind.API, Outcome.RESET, false)).isEqualTo(down.ended(Kind.API, false));
    }

    /** Plays {@code s} straight at a fresh origin (the lab's {@code none} target). */
    private Tally runAgainstOrigin(Scenario s, OriginCapacity capacity) throws InterruptedException {
        RunClock clock = RunClock.system();
        origin = new LabOrigin(new InetSocketAddress("127.0.0.1", 0), capacity, clock, s.seconds() + 2);
        return generator.run(s, origin.address(), "campaign.test", clock);
    }

    @Test
    void theGeneratorRefusesTargetsOutsideLoopback() {
        Scenario s = ScenarioLoader.parse("name: t\nduration: 2s\nlegit:\n  - {persona: api}\n", "test");
        org.assertj.core.api.Assertions.assertThatThrownBy(() ->
                        generator.run(s, new InetSocketAddress("10.1.2.3", 80), "x", RunClock.system()))
                .hasMessageContaining("outside 127.0.0.0/8");
    }
}

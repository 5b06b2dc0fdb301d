package io.rampart.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import io.rampart.lab.Kind;
import io.rampart.lab.RunClock;
import io.rampart.lab.load.LoadGenerator;
import io.rampart.lab.load.Outcome;
import io.rampart.lab.load.Tally;
import io.rampart.lab.origin.LabOrigin;
import io.rampart.lab.origin.OriginCapacity;
import io.rampart.lab.scenario.Scenario;
import io.rampart.lab.scenario.ScenarioLoader;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The lab's visitors pass Rampart's challenge as browsers do, so the lab can score modes that
 * challenge (under attack, widened protection): against a site in under-attack mode, each
 * visitor and staff member is challenged, solves, is cleared and works on; the API is exempt
 * from challenges and is served throughout; nobody is scored as refused.
 */
class LabVisitorsSolveChallengesTest {
    @TempDir
    Path dir;

    @Test
    void visitorsAndStaffSolveOnce_andWorkOn_andTheExemptAppIsServed() throws Exception {
        RunClock clock = RunClock.system();
        LabOrigin origin = new LabOrigin(new InetSocketAddress("127.0.0.1", 0), OriginCapacity.DEFAULT, clock, 30);
        LoadGenerator generator = new LoadGenerator(1, Duration.ofSeconds(5));
        Path file = dir.resolve("rampart.yml");
        Files.writeString(file, "listeners: [{address: '127.0.0.1:0'}]\ndataDir: " + dir.resolve("data") + "\n"
                + "sites:\n  - {name: campaign, hosts: ['*'], underAttack: true, upstreams: ['http://127.0.0.1:" + origin.address().getPort() + "']}\n");
        RampartConfig config = ConfigLoader.validated(new ConfigLoader().load(file), file.toString());
        try (GatewayRunner rampart = GatewayRunner.start(config, file, UnaryOperator.identity())) {
            Scenario s = ScenarioLoader.parse("""
                    name: under-attack-visitors
                    duration: 8s
                    legit:
                      - {persona: visitor, clients: 6, think: 200ms..600ms}
                      - {persona: staff, clients: 1, think: 200ms..600ms}
                      - {persona: api, clients: 1, interval: 500ms}
                    """, "test");
            Tally t = generator.run(s, rampart.gateway().listenAddresses().get(0), "campaign.example", clock);

            long challenged = t.outcomes(Kind.VISITOR, Outcome.CHALLENGED, false);
            long solved = t.challengesSolved(Kind.VISITOR, false);
            assertThat(solved).as("every visitor got through its challenge").isGreaterThanOrEqualTo(6);
            assertThat(solved).as("once each: the clearance holds for the pages after").isLessThanOrEqualTo(12);
            assertThat(challenged).as("every challenge a visitor met, it solved (but those the run's end cut)").isLessThanOrEqualTo(solved + 6);
            assertThat(t.outcomes(Kind.VISITOR, Outcome.OK, false)).as("pages and assets read after the challenge").isGreaterThan(3 * solved);
            assertThat(t.challengeCost(Kind.VISITOR).getValueAtPercentile(50)).as("a phone's solving time, in microseconds")
                    .isGreaterThan(200_000);
            assertThat(t.challengesSolved(Kind.STAFF, false)).as("staff's browser solves too (its log-in form is sent again)").isPositive();
            assertThat(t.outcomes(Kind.STAFF, Outcome.OK, false)).as("and works on").isGreaterThan(t.challengesSolved(Kind.STAFF, false));
            assertThat(t.outcomes(Kind.API, Outcome.OK, false)).as("the app is exempt").isPositive();
            assertThat(t.refusedLegitClients()).as("nobody was refused").isZero();
        } finally {
            generator.close();
            origin.close();
        }
    }
}

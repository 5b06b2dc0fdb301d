package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.detect.SiteView;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.LoopbackTraffic;
import io.rampart.testing.TestOrigin;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The control plane over real sockets: readers browse, then 300 bots (each under the per-client
 * limit, each its own address) flood the search page with a library's headers. The gateway learns,
 * detects, deploys a rule, and from then on the bots are refused while every reader is served.
 */
@ExtendWith(LeakWatcher.class)
class DetectionTest {
    private final TestOrigin origin = new TestOrigin();

    @AfterEach
    void stop() {
        origin.close();
    }

    @Test
    void distributedFloodUnderThePerClientLimit_isDetectedAndRefused_whileEveryReaderIsServed() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), """
                detection:
                  tick: 250ms
                  learnFor: 2s
                """);
             LoopbackTraffic traffic = new LoopbackTraffic(gw.port())) {
            for (int r = 0; r < 12; r++) {
                traffic.reader(r);
            }
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> gw.gateway.detection().view().get(0).baselineTicks() >= 16);
            assertThat(gw.gateway.detection().view().get(0).state()).isEqualTo("normal");

            traffic.botnet(6);
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> traffic.botRefusals.get() > 500);
            SiteView site = gw.gateway.detection().view().get(0);
            assertThat(site.state()).isEqualTo("attack");
            assertThat(site.rules()).isNotEmpty();
            assertThat(site.rules().get(0).conditions()).contains("fingerprint=").contains("accept=*/*");

            traffic.counting.set(true);
            int originBefore = origin.requests.get();
            Thread.sleep(2000);
            int originDuring = origin.requests.get() - originBefore;
            traffic.counting.set(false);
            assertThat(traffic.readersRefused.get()).as("readers refused while the rule is in force").isZero();
            assertThat(traffic.readersServed.get()).isGreaterThan(100);
            assertThat(originDuring).as("the origin sees the readers (about 240 in 2 s, less what the shield answers), not the flood")
                    .isLessThan(400);
            String log = gw.accessLogText();
            assertThat(log).contains("\"reason\":\"rule\",\"rule\":\"" + site.rules().get(0).id() + "\"");
            assertThat(gw.gateway.metrics().scrape()).contains("rampart_detection_state{site=\"test\"} 2.0");
            System.out.printf("first bot refused %.1f s after the flood began; %s%n", traffic.firstBotRefusedAfter.get() / 1e9, site.rules().get(0));
        }
    }
}

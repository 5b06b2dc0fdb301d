package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rampart.config.ConfigLoader;
import io.rampart.testing.AlertReceivers;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.TestOrigin;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * A reload that changes the alert receivers applies at once, without a restart: the next incident
 * is announced to the new receiver only, while a delivery the old receiver was still retrying
 * when the reload came is completed, not lost.
 */
class AlertsReloadTest {
    private static String config(String webhook, String accessLog) {
        return "admin: {enabled: false}\nlisteners:\n  - address: 127.0.0.1:0\naccessLog: {path: " + accessLog + "}\n"
                + "sites:\n  - {name: news, hosts: ['*'], upstreams: [ORIGIN]}\n"
                + "alerts:\n  firstRetry: 300ms\n  webhooks:\n    - {url: '" + webhook + "'}\n";
    }

    @Test
    void newReceivers_applyOnReload_andTheOldOnesFinishTheirRetries() throws Exception {
        try (TestOrigin origin = new TestOrigin();
             AlertReceivers before = new AlertReceivers();
             AlertReceivers after = new AlertReceivers()) {
            String first = before.webhook(2); // refuses two calls: retried at 300 ms and 900 ms, long after the reload
            String second = after.webhook(0);
            try (GatewayFixture gw = GatewayFixture.start(config(first, "ACCESS_LOG"), origin.url())) {
                String drill = gw.gateway.incidents().openByOperator("news", "tester", "drill before the reload").id();
                gw.gateway.reload(new ConfigLoader().parse(config(second, gw.accessLog.toString()).replace("ORIGIN", origin.url()), "next.yml"));
                gw.gateway.incidents().closeByOperator(drill, "tester", "drill over");

                await().atMost(Duration.ofSeconds(10)).until(() -> before.webhookBodies.size() == 1);
                assertThat(before.webhookBodies.get(0)).as("the retried alert reached the old receiver")
                        .contains("incident.opened").contains(drill);
                await().atMost(Duration.ofSeconds(10)).until(() -> after.webhookBodies.size() == 1);
                assertThat(after.webhookBodies.get(0)).as("the alert after the reload went to the new receiver")
                        .contains("incident.closed").contains(drill);
                Thread.sleep(500);
                assertThat(before.webhookBodies).as("nothing after the reload went to the old receiver").hasSize(1);
                assertThat(after.webhookBodies).as("nothing sent twice").hasSize(1);
            }
        }
    }
}

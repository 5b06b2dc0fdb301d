package io.rampart.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.config.AlertsConfig;
import io.rampart.testing.AlertReceivers;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Alerts delivered to real receivers on loopback: an HTTP server (the JDK's) for webhooks, and
 * Debian's aiosmtpd, a real SMTP server, for email. Failures are retried with backoff and
 * finally given up, and every outcome is reported for the incident's timeline.
 */
class AlertsTest {
    private final AlertReceivers receivers = new AlertReceivers();
    private final List<String> bodies = receivers.webhookBodies;
    private final List<String> outcomes = new CopyOnWriteArrayList<>();
    private Alerts alerts;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (alerts != null) {
            alerts.close();
        }
        receivers.close();
    }

    private String receiver(int failFirst) throws IOException {
        return receivers.webhook(failFirst);
    }

    private Alert alert(Alert.Kind kind) {
        return new Alert(kind, Samples.closed("campaign-20261120-190001", false), "rate 4000/s against 40/s normally");
    }

    @Test
    void jsonWebhook_receivesTheIncidentSummary() throws Exception {
        String url = receiver(0);
        alerts = Alerts.of(new AlertsConfig(List.of(new AlertsConfig.WebhookConfig(url, "json")), null, 3, Duration.ofMillis(20)));
        alerts.send(alert(Alert.Kind.OPENED), (id, text) -> outcomes.add(id + ": " + text));
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies.size() == 1);
        String[] parts = bodies.get(0).split("\n", 2);
        assertThat(parts[0]).isEqualTo("application/json");
        JsonNode j = IncidentJson.MAPPER.readTree(parts[1]);
        assertThat(j.get("event").asText()).isEqualTo("incident.opened");
        assertThat(j.get("subject").asText()).isEqualTo("[Rampart] incident campaign-20261120-190001 opened on campaign");
        assertThat(j.at("/incident/refused").asLong()).isEqualTo(97_300);
        assertThat(j.at("/incident/vectors/0").asText()).isEqualTo("HTTP request flood");
        await().until(() -> outcomes.contains("campaign-20261120-190001: opened alert sent to webhook " + url));
    }

    @Test
    void slackWebhook_getsTextAndBlocks() throws Exception {
        String url = receiver(0);
        alerts = Alerts.of(new AlertsConfig(List.of(new AlertsConfig.WebhookConfig(url, "slack")), null, 3, Duration.ofMillis(20)));
        alerts.send(alert(Alert.Kind.CLOSED), (id, text) -> { });
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies.size() == 1);
        JsonNode j = IncidentJson.MAPPER.readTree(bodies.get(0).split("\n", 2)[1]);
        assertThat(j.get("text").asText()).contains("closed on campaign");
        assertThat(j.at("/blocks/1/text/type").asText()).isEqualTo("mrkdwn");
        assertThat(j.at("/blocks/1/text/text").asText()).contains("Data egress:").contains("rampart report campaign-20261120-190001");
    }

    @Test
    void aFailingReceiver_isRetriedWithBackoff_untilItAnswers() throws Exception {
        String url = receiver(2);
        alerts = Alerts.of(new AlertsConfig(List.of(new AlertsConfig.WebhookConfig(url, "json")), null, 5, Duration.ofMillis(50)));
        long start = System.nanoTime();
        alerts.send(alert(Alert.Kind.ESCALATED), (id, text) -> outcomes.add(text));
        await().atMost(Duration.ofSeconds(10)).until(() -> bodies.size() == 1);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).as("waited 50 ms then 100 ms").isGreaterThanOrEqualTo(Duration.ofMillis(150));
        await().until(() -> outcomes.contains("escalated alert sent to webhook " + url + " (attempt 3)"));
    }

    @Test
    void aReceiverThatNeverAnswers_isGivenUp_andTheFailureIsReported() throws Exception {
        int port = AlertReceivers.freePort(); // nothing listens: connections are refused
        String url = "http://127.0.0.1:" + port + "/hook";
        alerts = Alerts.of(new AlertsConfig(List.of(new AlertsConfig.WebhookConfig(url, "json")), null, 2, Duration.ofMillis(10)));
        alerts.send(alert(Alert.Kind.OPENED), (id, text) -> outcomes.add(text));
        await().atMost(Duration.ofSeconds(15)).until(() -> outcomes.stream().anyMatch(t -> t.contains("FAILED after 2 attempts")));
    }

    @Test
    void email_reachesARealSmtpServer_withSubjectAndIncidentHeader() throws Exception {
        String server = receivers.smtp(dir);
        alerts = Alerts.of(new AlertsConfig(List.of(), new AlertsConfig.EmailConfig(server, "rampart@example.org",
                List.of("duty@example.org", "ciso@example.org"), null, null, false), 3, Duration.ofMillis(50)));
        alerts.send(alert(Alert.Kind.CLOSED), (id, text) -> outcomes.add(text));
        await().atMost(Duration.ofSeconds(15)).until(() -> outcomes.stream().anyMatch(t -> t.contains("alert sent to email")));
        List<String> mails = receivers.mails();
        assertThat(mails).hasSize(1);
        String mail = mails.get(0);
        assertThat(mail).contains("Subject: [Rampart] incident campaign-20261120-190001 closed on campaign")
                .contains("X-Rampart-Incident: campaign-20261120-190001")
                .contains("To: duty@example.org, ciso@example.org")
                .contains("Data egress:");
    }
}

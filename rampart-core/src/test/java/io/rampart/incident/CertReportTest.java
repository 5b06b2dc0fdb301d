package io.rampart.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.config.AlertsConfig;
import io.rampart.config.CertConfig;
import io.rampart.config.IncidentsConfig;
import io.rampart.config.ReporterConfig;
import io.rampart.testing.AlertReceivers;
import jakarta.mail.BodyPart;
import jakarta.mail.Multipart;
import jakarta.mail.Session;
import jakarta.mail.internet.MimeMessage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Properties;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * "Send to CERT" end to end: an operator sends an open incident's report; a real SMTP server
 * (aiosmtpd) receives the marked mail with the HTML report and the STIX bundle attached, a real
 * HTTP endpoint the same as JSON; each delivery lands in the incident's timeline; closing the
 * incident sends the update.
 */
class CertReportTest {
    private static final ReporterConfig ACME = new ReporterConfig("ACME Party HQ", "+44 20 7946 0000", "soc@acme.example", "ACME-DDOS", "AMBER+STRICT");
    private final AlertReceivers receivers = new AlertReceivers();
    private Incidents incidents;

    @TempDir
    Path dir;

    @AfterEach
    void stop() {
        if (incidents != null) {
            incidents.close();
        }
        receivers.close();
    }

    private Incidents incidents(CertConfig cert, AlertsConfig alerts) {
        IncidentsConfig config = new IncidentsConfig(null, null, null, null, null, ACME, cert);
        incidents = new Incidents(config, List.of("campaign"), SqliteIncidentStore.inMemory(), null, Clock.systemUTC(),
                GatewayCounters.NONE, "abc");
        Incidents i = incidents;
        incidents.cert(Alerts.cert(cert, alerts, i::reporter));
        return incidents;
    }

    private static List<String> timeline(Incidents in, String id) {
        return in.find(id).orElseThrow().timeline().stream().map(e -> e.kind() + ": " + e.text()).toList();
    }

    @Test
    void theReport_goesByMailAndToTheEndpoint_marked_withTheBundleAttached_andTheTimelineSaysWhen() throws Exception {
        String smtp = receivers.smtp(dir);
        String url = receivers.webhook(0);
        AlertsConfig alerts = new AlertsConfig(List.of(), new AlertsConfig.EmailConfig(smtp, "rampart@acme.example", List.of("ops@acme.example"),
                null, null, false), 3, Duration.ofMillis(20));
        Incidents in = incidents(new CertConfig(List.of("cert@ncsc.example"), url, null, null), alerts);
        String id = in.openByOperator("campaign", "alice@127.0.0.1", "flood reported by the ISP").id();

        assertThat(in.sendToCert(id, "alice@127.0.0.1")).containsExactly("email cert@ncsc.example", "endpoint " + url);

        await().atMost(Duration.ofSeconds(20)).until(() -> receivers.mails().size() == 1 && receivers.webhookBodies.size() == 1);
        MimeMessage mail = new MimeMessage(Session.getInstance(new Properties()),
                new ByteArrayInputStream(receivers.mails().get(0).getBytes(StandardCharsets.UTF_8)));
        assertThat(mail.getSubject()).isEqualTo("[TLP:AMBER+STRICT] DDoS incident report ACME-DDOS-" + id
                + ": site campaign (ongoing) from ACME Party HQ");
        assertThat(mail.getAllRecipients()[0].toString()).isEqualTo("cert@ncsc.example");
        assertThat(mail.getReplyTo()[0].toString()).isEqualTo("soc@acme.example");
        Multipart mixed = (Multipart) mail.getContent();
        Multipart alternative = (Multipart) mixed.getBodyPart(0).getContent();
        assertThat((String) alternative.getBodyPart(0).getContent()).startsWith("TLP:AMBER+STRICT\n\nOn ");
        String html = (String) alternative.getBodyPart(1).getContent();
        assertThat(html).contains("<svg").contains("ACME Party HQ").contains("TLP:AMBER+STRICT");
        BodyPart stix = mixed.getBodyPart(1);
        assertThat(stix.getFileName()).isEqualTo("ACME-DDOS-" + id + ".stix.json");
        assertThat(stix.getContentType()).startsWith("application/stix+json");
        JsonNode bundle = IncidentJson.MAPPER.readTree(stix.getInputStream());
        assertThat(StixRules.problems(bundle)).isEmpty();

        String[] post = receivers.webhookBodies.get(0).split("\n", 2);
        JsonNode j = IncidentJson.MAPPER.readTree(post[1]);
        assertThat(j.get("kind").asText()).isEqualTo("report");
        assertThat(j.get("tlp").asText()).isEqualTo("TLP:AMBER+STRICT");
        assertThat(j.get("reference").asText()).isEqualTo("ACME-DDOS-" + id);
        assertThat(StixRules.problems(j.get("stix"))).isEmpty();

        await().untilAsserted(() -> assertThat(timeline(in, id))
                .contains("cert: report to the CERT queued by alice@127.0.0.1 for email cert@ncsc.example, endpoint " + url + " (figures so far)")
                .contains("cert: CERT report sent to email cert@ncsc.example").contains("cert: CERT report sent to endpoint " + url));

        in.closeByOperator(id, "alice@127.0.0.1", "over");
        await().atMost(Duration.ofSeconds(20)).until(() -> receivers.mails().size() == 2 && receivers.webhookBodies.size() == 2);
        List<String> subjects = new java.util.ArrayList<>();
        for (String raw : receivers.mails()) { // the maildir's file names do not sort by arrival
            subjects.add(new MimeMessage(Session.getInstance(new Properties()),
                    new ByteArrayInputStream(raw.getBytes(StandardCharsets.UTF_8))).getSubject());
        }
        assertThat(subjects).anyMatch(t -> t.startsWith("[TLP:AMBER+STRICT] DDoS incident update ACME-DDOS-" + id) && t.contains("(over)"));
        List<String> kinds = new java.util.ArrayList<>();
        for (String body : receivers.webhookBodies) {
            kinds.add(IncidentJson.MAPPER.readTree(body.split("\n", 2)[1]).get("kind").asText());
        }
        assertThat(kinds).containsExactlyInAnyOrder("report", "update");
        await().untilAsserted(() -> assertThat(timeline(in, id)).as("noted on the closed record")
                .contains("cert: CERT update sent to email cert@ncsc.example"));
    }

    @Test
    void anEndpointThatKeepsFailing_isGivenUp_andTheTimelineSaysSo() throws Exception {
        String url = receivers.webhook(100);
        Incidents in = incidents(new CertConfig(null, url, null, false),
                new AlertsConfig(List.of(), null, 2, Duration.ofMillis(20)));
        String id = in.openByOperator("campaign", "bob", "drill").id();
        in.sendToCert(id, "bob");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(timeline(in, id))
                .contains("cert: CERT report to endpoint " + url + " FAILED after 2 attempts: answered 503"));
    }

    @Test
    void aTokenFromAnUnsetVariable_failsTheDelivery_namingTheVariable() throws Exception {
        String url = receivers.webhook(0);
        Incidents in = incidents(new CertConfig(null, url, "RAMPART_TEST_UNSET_CERT_TOKEN", false),
                new AlertsConfig(List.of(), null, 1, Duration.ofMillis(20)));
        String id = in.openByOperator("campaign", "bob", "drill").id();
        in.sendToCert(id, "bob");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(timeline(in, id))
                .anyMatch(t -> t.contains("FAILED") && t.contains("RAMPART_TEST_UNSET_CERT_TOKEN is not set")));
        assertThat(receivers.webhookBodies).isEmpty();
    }

    @Test
    void withoutADestination_orForAnUnknownIncident_sendingIsRefusedByName() {
        Incidents in = incidents(CertConfig.NONE, new AlertsConfig(List.of(), null, 1, Duration.ofMillis(20)));
        String id = in.openByOperator("campaign", "bob", "drill").id();
        assertThatThrownBy(() -> in.sendToCert(id, "bob")).isInstanceOf(IllegalStateException.class).hasMessageContaining("incidents.cert.to");
        in.close();
        Incidents in2 = incidents(new CertConfig(null, "http://127.0.0.1:1/x", null, null), new AlertsConfig(List.of(), null, 1, Duration.ofMillis(20)));
        assertThatThrownBy(() -> in2.sendToCert("nope", "bob")).isInstanceOf(NoSuchElementException.class).hasMessage("no incident 'nope'");
    }
}

package io.rampart.incident;

import io.rampart.config.AlertsConfig;
import jakarta.mail.internet.MimeBodyPart;
import jakarta.mail.internet.MimeMessage;
import jakarta.mail.internet.MimeMultipart;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The report as mail to the national CERT, through {@code alerts.email}'s SMTP server: a
 * {@code multipart/mixed} message whose first part is the report (plain text for mail readers
 * that want it, the printable HTML page with its charts for the rest) and whose second part is the
 * STIX 2.1 bundle ({@code application/stix+json;version=2.1}), which the CERT's tools import. The
 * subject carries the TLP marking first, as FIRST asks for mail.
 */
final class CertMail implements Notifier {
    private final EmailNotifier smtp;
    private final List<String> to;
    private final Supplier<Reporter> reporter;

    CertMail(AlertsConfig.EmailConfig server, List<String> to, Supplier<Reporter> reporter) {
        this.smtp = new EmailNotifier(new AlertsConfig.EmailConfig(server.server(), server.from(), to, server.username(),
                server.passwordEnv(), server.startTls()));
        this.to = List.copyOf(to);
        this.reporter = reporter;
    }

    @Override
    public String name() {
        return "email " + String.join(",", to);
    }

    @Override
    public void send(Alert alert) throws Exception {
        Reporter who = reporter.get();
        IncidentRecord r = alert.incident();
        Instant now = Instant.now();
        MimeMessage m = smtp.message();
        m.setSubject(subject(alert, who), "UTF-8");
        m.setHeader("X-Rampart-Incident", r.id());
        if (who.email() != null) {
            m.setReplyTo(new jakarta.mail.internet.InternetAddress[] {new jakarta.mail.internet.InternetAddress(who.email())});
        }
        MimeMultipart alternative = new MimeMultipart("alternative");
        MimeBodyPart text = new MimeBodyPart();
        text.setText(who.tlp().label() + "\n\n" + Reports.plain(r, now) + "\n\n" + Reports.summary(r, now)
                + "\n\nThe full report is the HTML part of this message; the STIX 2.1 bundle is attached.\n\n" + who.tlp().label() + "\n",
                "UTF-8");
        MimeBodyPart html = new MimeBodyPart();
        html.setContent(Reports.render(r, "html", now, who), "text/html; charset=utf-8");
        alternative.addBodyPart(text);
        alternative.addBodyPart(html);
        MimeBodyPart body = new MimeBodyPart();
        body.setContent(alternative);
        MimeBodyPart stix = new MimeBodyPart();
        stix.setContent(Reports.render(r, "stix", now, who), "application/stix+json;version=2.1");
        stix.setFileName(who.referenceOf(r.id()) + ".stix.json");
        MimeMultipart mixed = new MimeMultipart("mixed");
        mixed.addBodyPart(body);
        mixed.addBodyPart(stix);
        m.setContent(mixed);
        smtp.transmit(m);
    }

    /** {@code [TLP:AMBER] DDoS incident report ACME-DDOS-s-1: site s (closed)}. */
    static String subject(Alert alert, Reporter who) {
        IncidentRecord r = alert.incident();
        return "[" + who.tlp().label() + "] DDoS incident " + (alert.kind() == Alert.Kind.UPDATE ? "update " : "report ")
                + who.referenceOf(r.id()) + ": site " + r.site() + " (" + (r.open() ? "ongoing" : "over") + ")"
                + (who.organisation() == null ? "" : " from " + who.organisation());
    }
}

package io.rampart.incident;

import io.rampart.config.AlertsConfig;
import io.rampart.config.HostPort;
import jakarta.mail.Message;
import jakarta.mail.Session;
import jakarta.mail.Transport;
import jakarta.mail.internet.InternetAddress;
import jakarta.mail.internet.MimeMessage;
import java.util.Date;
import java.util.Properties;

/**
 * Plain-text email through an SMTP server (Jakarta Mail, Eclipse Angus): STARTTLS when the
 * server offers it (required when {@code startTls} is set), login when a username is configured,
 * the password read from the environment variable {@code passwordEnv} at each send.
 */
final class EmailNotifier implements Notifier {
    private final AlertsConfig.EmailConfig config;
    private final HostPort server;

    EmailNotifier(AlertsConfig.EmailConfig config) {
        this.config = config;
        this.server = HostPort.parse(config.server());
    }

    @Override
    public String name() {
        return "email " + String.join(",", config.to());
    }

    @Override
    public void send(Alert alert) throws Exception {
        MimeMessage m = message();
        m.setSubject(alert.subject(), "UTF-8");
        m.setText(alert.text(), "UTF-8");
        m.setHeader("X-Rampart-Incident", alert.incident().id());
        transmit(m);
    }

    /** A message from {@code from} to {@code to}, dated now, to be filled in and given to {@link #transmit}. */
    MimeMessage message() throws jakarta.mail.MessagingException {
        Properties p = new Properties();
        p.put("mail.smtp.host", server.host());
        p.put("mail.smtp.port", Integer.toString(server.port()));
        p.put("mail.smtp.connectiontimeout", "10000");
        p.put("mail.smtp.timeout", "10000");
        p.put("mail.smtp.writetimeout", "10000");
        p.put("mail.smtp.starttls.enable", "true");
        if (config.startTls()) {
            p.put("mail.smtp.starttls.required", "true");
        }
        boolean auth = config.username() != null;
        p.put("mail.smtp.auth", Boolean.toString(auth));
        Session session = Session.getInstance(p);
        MimeMessage m = new MimeMessage(session);
        m.setFrom(new InternetAddress(config.from()));
        for (String to : config.to()) {
            m.addRecipient(Message.RecipientType.TO, new InternetAddress(to));
        }
        m.setSentDate(new Date());
        return m;
    }

    /** Sends {@code m} through the server, logging in when a username is configured. */
    void transmit(MimeMessage m) throws Exception {
        boolean auth = config.username() != null;
        if (auth) {
            String password = config.passwordEnv() == null ? "" : System.getenv(config.passwordEnv());
            if (password == null) {
                throw new IllegalStateException("environment variable " + config.passwordEnv() + " is not set");
            }
            Transport.send(m, config.username(), password);
        } else {
            Transport.send(m);
        }
    }
}

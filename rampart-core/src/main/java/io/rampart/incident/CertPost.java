package io.rampart.incident;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Supplier;

/**
 * The report as a POST to the CERT's (or a sharing platform's) endpoint: one JSON document with
 * the marking, reference, reporter, kind ({@code report} or {@code update}), the plain account,
 * the summary, the HTML report and the STIX bundle. A bearer token is read from the environment
 * at each send when {@code tokenEnv} is set. Redirects are not followed (a report does not go
 * where the endpoint did not say).
 */
final class CertPost implements Notifier {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final URI url;
    private final String tokenEnv;
    private final Supplier<Reporter> reporter;

    CertPost(String url, String tokenEnv, Supplier<Reporter> reporter) {
        this.url = URI.create(url);
        this.tokenEnv = tokenEnv;
        this.reporter = reporter;
    }

    @Override
    public String name() {
        return "endpoint " + url.getScheme() + "://" + url.getAuthority() + url.getPath();
    }

    @Override
    public void send(Alert alert) throws Exception {
        Reporter who = reporter.get();
        IncidentRecord r = alert.incident();
        Instant now = Instant.now();
        ObjectNode o = IncidentJson.MAPPER.createObjectNode();
        o.put("kind", alert.kind() == Alert.Kind.UPDATE ? "update" : "report");
        o.put("tlp", who.tlp().label());
        o.put("reference", who.referenceOf(r.id()));
        o.set("reporter", IncidentJson.MAPPER.valueToTree(who));
        o.put("subject", CertMail.subject(alert, who));
        o.put("whatHappened", Reports.plain(r, now));
        o.put("summary", Reports.summary(r, now));
        o.put("html", Reports.render(r, "html", now, who));
        o.set("stix", IncidentJson.MAPPER.readTree(Reports.render(r, "stix", now, who)));
        HttpRequest.Builder req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(20))
                .header("Content-Type", "application/json")
                .header("User-Agent", "Rampart-Reports/1")
                .POST(HttpRequest.BodyPublishers.ofString(IncidentJson.MAPPER.writeValueAsString(o), StandardCharsets.UTF_8));
        if (tokenEnv != null) {
            String token = System.getenv(tokenEnv);
            if (token == null || token.isBlank()) {
                throw new IllegalStateException("environment variable " + tokenEnv + " is not set");
            }
            req.header("Authorization", "Bearer " + token.trim());
        }
        HttpResponse<String> res = CLIENT.send(req.build(), HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() / 100 != 2) {
            throw new IllegalStateException("answered " + res.statusCode());
        }
    }
}

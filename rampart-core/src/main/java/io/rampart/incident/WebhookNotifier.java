package io.rampart.incident;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * A JSON POST per alert. Two bodies: Rampart's own ({@code event}, {@code subject}, {@code text}
 * and the incident's summary figures) and a Slack-compatible one ({@code text} plus
 * {@code blocks}), which Slack, Mattermost and Rocket.Chat incoming webhooks accept. A 2xx answer
 * is a delivery; anything else, or no answer within 10 s, is retried by {@link Alerts}.
 */
final class WebhookNotifier implements Notifier {
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NEVER).build();
    private final URI url;
    private final boolean slack;

    WebhookNotifier(String url, boolean slack) {
        this.url = URI.create(url);
        this.slack = slack;
    }

    @Override
    public String name() {
        return "webhook " + url.getScheme() + "://" + url.getAuthority() + url.getPath();
    }

    @Override
    public void send(Alert alert) throws Exception {
        String body = IncidentJson.MAPPER.writeValueAsString(slack ? slackBody(alert) : jsonBody(alert));
        HttpRequest req = HttpRequest.newBuilder(url).timeout(Duration.ofSeconds(10))
                .header("Content-Type", "application/json")
                .header("User-Agent", "Rampart-Alerts/1")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8)).build();
        HttpResponse<String> res = CLIENT.send(req, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() / 100 != 2) {
            throw new IllegalStateException("answered " + res.statusCode());
        }
    }

    static ObjectNode jsonBody(Alert a) {
        IncidentRecord r = a.incident();
        ObjectNode o = IncidentJson.MAPPER.createObjectNode();
        o.put("event", "incident." + a.kind().id());
        o.put("subject", a.subject());
        o.put("text", a.text());
        o.put("why", a.why());
        ObjectNode i = o.putObject("incident");
        i.put("id", r.id());
        i.put("site", r.site());
        i.put("status", r.status());
        i.put("openedAt", r.openedAt().toString());
        i.put("closedAt", r.closedAt() == null ? null : r.closedAt().toString());
        i.put("requests", r.profile().requests());
        i.put("peakRequestsPerSecond", r.profile().peakRequestsPerSecond());
        i.put("refused", r.mitigation().refused());
        i.put("shareKeptOffOrigin", r.mitigation().shareKeptOffOrigin());
        ArrayNode v = i.putArray("vectors");
        r.vectors().forEach(v::add);
        return o;
    }

    static ObjectNode slackBody(Alert a) {
        ObjectNode o = IncidentJson.MAPPER.createObjectNode();
        o.put("text", a.subject());
        ArrayNode blocks = o.putArray("blocks");
        ObjectNode header = blocks.addObject();
        header.put("type", "section");
        ObjectNode ht = header.putObject("text");
        ht.put("type", "mrkdwn");
        ht.put("text", "*" + a.subject() + "*");
        ObjectNode body = blocks.addObject();
        body.put("type", "section");
        ObjectNode bt = body.putObject("text");
        bt.put("type", "mrkdwn");
        bt.put("text", "```" + a.text() + "```");
        return o;
    }
}

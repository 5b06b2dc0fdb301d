package io.rampart.server;

import com.fasterxml.jackson.databind.JsonNode;
import io.rampart.config.ConfigException;
import io.rampart.config.ConfigLoader;
import io.rampart.config.HostPort;
import io.rampart.config.RampartConfig;
import io.rampart.incident.IncidentJson;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import picocli.CommandLine.Model.CommandSpec;

/**
 * {@code rampart send-report ID --config FILE}: asks the running gateway to send an incident's
 * report to the national CERT ({@code POST /api/incidents/ID/send} on its admin listener), so the
 * delivery, its retries and the timeline entries are the gateway's, exactly as from the console.
 * The admin listener's address and token come from the configuration: {@code admin.tokenFile},
 * else {@code RAMPART_ADMIN_TOKEN}, else the data directory's {@code admin-token}; a token is never
 * generated here.
 */
@Command(name = "send-report", description = "Asks the running gateway to send an incident's report to the national CERT (incidents.cert).")
final class SendReportCommand implements Callable<Integer> {
    @Parameters(index = "0", paramLabel = "ID", description = "the incident (see: rampart incidents)")
    String id;

    @Option(names = "--config", paramLabel = "FILE", required = true, description = "the running gateway's configuration (for its admin address and token)")
    Path config;

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        RampartConfig c;
        try {
            c = new ConfigLoader().load(config);
        } catch (ConfigException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        if (!id.matches("[A-Za-z0-9._-]{1,128}")) {
            spec.commandLine().getErr().println("ID: expected an incident id such as campaign-20261204-160000, got '" + id + "'");
            return 2;
        }
        String token;
        try {
            token = token(c);
        } catch (IOException | IllegalStateException | IllegalArgumentException e) {
            spec.commandLine().getErr().println(e.getMessage());
            return 2;
        }
        HostPort admin = HostPort.parse(c.admin().address());
        String host = "0.0.0.0".equals(admin.host()) || "::".equals(admin.host()) ? "127.0.0.1" : admin.host();
        URI uri = URI.create("http://" + (host.contains(":") ? "[" + host + "]" : host) + ":" + admin.port() + "/api/incidents/" + id + "/send");
        try {
            HttpResponse<String> r = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build().send(
                    HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).header("Authorization", "Bearer " + token)
                            .POST(HttpRequest.BodyPublishers.noBody()).build(), HttpResponse.BodyHandlers.ofString());
            JsonNode body = readOrNull(r.body());
            if (r.statusCode() == 202) {
                spec.commandLine().getOut().println("queued for " + String.join(", ", texts(body.get("queued")))
                        + "; the incident's timeline says when it went (rampart report " + id + ")");
                return 0;
            }
            spec.commandLine().getErr().println("the gateway answered " + r.statusCode() + ": "
                    + (body != null && body.has("error") ? body.get("error").asText() : r.body().strip()));
            return 1;
        } catch (IOException e) {
            spec.commandLine().getErr().println("cannot reach the gateway's admin listener at " + uri.getAuthority() + " (" + e.getMessage()
                    + "): is it running with this configuration?");
            return 1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return 1;
        }
    }

    private static String token(RampartConfig c) throws IOException {
        String dataDir = c.dataDir() == null ? RunCommand.DEFAULT_DATA_DIR : c.dataDir();
        io.rampart.server.admin.AdminToken t = io.rampart.server.admin.AdminToken.existing(c.admin().tokenFile(), dataDir);
        if (t == null) {
            throw new IllegalStateException("no admin token: set admin.tokenFile or RAMPART_ADMIN_TOKEN, or run where "
                    + Path.of(dataDir).resolve("admin-token") + " is readable");
        }
        return t.value();
    }

    private static JsonNode readOrNull(String text) {
        try {
            return IncidentJson.MAPPER.readTree(text);
        } catch (IOException e) {
            return null;
        }
    }

    private static java.util.List<String> texts(JsonNode list) {
        java.util.List<String> out = new java.util.ArrayList<>();
        if (list != null) {
            list.forEach(n -> out.add(n.asText()));
        }
        return out;
    }
}

package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.TestCertificates;
import io.rampart.testing.TestOrigin;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Malformed HTTP/2 requests (RFC 9113 §8.2.1, §8.3.1) over real frames: a field value with CR,
 * LF or NUL, and an absolute-form {@code :path} that would override {@code :authority}. Each
 * stream is reset with {@code PROTOCOL_ERROR} (not {@code CANCEL}), none reaches the origin, and
 * each leaves an access-log line with status 400, as its HTTP/1.1 counterpart does.
 */
class Http2MalformedRequestTest {
    private static final List<String> CASES = List.of("absolute-form :path", "field value containing CR",
            "field value containing LF", "field value containing NUL");

    @Test
    void malformedRequestsAreResetWithProtocolError_loggedAndNeverForwarded() throws Exception {
        try (TestOrigin origin = new TestOrigin();
             GatewayFixture gw = GatewayFixture.start("listeners:\n  - {address: '127.0.0.1:0', h2c: true}\n"
                     + "sites:\n  - {name: s, hosts: ['*'], upstreams: [ORIGIN]}\n", origin.url())) {
            Path script = Path.of(Http2MalformedRequestTest.class.getResource("/attacks/h2conformance.py").toURI());
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString(), "127.0.0.1",
                    Integer.toString(gw.port())));
            cmd.addAll(CASES);
            TestCertificates.Result run = TestCertificates.run(Path.of("."), cmd.toArray(String[]::new));
            ObjectMapper json = new ObjectMapper();
            List<String> got = new ArrayList<>();
            for (String line : run.out().split("\n")) {
                if (line.startsWith("{")) {
                    JsonNode c = json.readTree(line);
                    got.add(c.get("case").asText() + ": " + c.get("got").asText());
                }
            }
            assertThat(got).as(run.out()).containsExactlyInAnyOrder(
                    "absolute-form :path: RST_STREAM PROTOCOL_ERROR", "field value containing CR: RST_STREAM PROTOCOL_ERROR",
                    "field value containing LF: RST_STREAM PROTOCOL_ERROR", "field value containing NUL: RST_STREAM PROTOCOL_ERROR");
            assertThat(origin.requests.get()).as("nothing malformed reached the origin").isZero();
            Awaitility.await().atMost(java.time.Duration.ofSeconds(5)).until(() ->
                    gw.accessLogText().lines().filter(l -> l.contains("\"status\":400")).count() == 4);
            assertThat(gw.accessLogText()).contains("\"path\":\"http://other.example/echo\"");
            assertThat(gw.gateway.metrics().scrape()).contains("rampart_protocol_errors_total{status=\"400\"} 4.0");
        }
    }
}

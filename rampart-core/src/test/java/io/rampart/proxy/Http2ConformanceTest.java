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
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The HTTP/2 front against conformance cases in the manner of h2spec (script
 * {@code attacks/h2conformance.py}, raw frames with Debian's python3-hpack): frame format, stream
 * states and ids, every frame type's rules, HTTP semantics (pseudo-headers, connection-specific
 * fields, content-length, trailers), closed-stream rules, flow-control windows (SETTINGS and
 * WINDOW_UPDATE, a negative window), error codes, valid forms (padding, HEAD, every HPACK field
 * representation) and HPACK errors. Each case must get the answer RFC 9113 and
 * RFC 7541 require: the right GOAWAY or RST_STREAM code, an ignored frame ignored, a valid request
 * answered; over h2c and over TLS (ALPN). h2spec itself is not packaged for Debian; these cases
 * follow its sections.
 */
class Http2ConformanceTest {
    @TempDir
    static Path dir;

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"h2c", "tls"})
    void everyConformanceCase_getsTheAnswerTheRfcRequires_andTheClientIsNotCountedAsAnAttacker(String transport) throws Exception {
        String listener = "  - {address: 127.0.0.1:0, h2c: true}\n";
        if (transport.equals("tls")) {
            Path[] cert = new TestCertificates(dir).leaf("conformance", true, "conformance.example");
            listener = "  - address: 127.0.0.1:0\n    tls: {certificates: [{cert: " + cert[0] + ", key: " + cert[1] + "}]}\n";
        }
        try (TestOrigin origin = new TestOrigin();
             GatewayFixture gw = GatewayFixture.start("listeners:\n" + listener
                     + "sites:\n  - {name: s, hosts: ['*'], upstreams: [ORIGIN]}\n", origin.url())) {
            Path script = Path.of(Http2ConformanceTest.class.getResource("/attacks/h2conformance.py").toURI());
            List<String> cmd = new ArrayList<>(List.of("/usr/bin/python3", script.toString()));
            if (transport.equals("tls")) {
                cmd.add("--tls");
            }
            cmd.addAll(List.of("127.0.0.1", Integer.toString(gw.port())));
            TestCertificates.Result run = TestCertificates.run(Path.of("."), cmd.toArray(String[]::new));
            System.out.println(transport + ":\n" + run.out()); // each case and what it got, for the report
            ObjectMapper json = new ObjectMapper();
            List<String> failed = new ArrayList<>();
            int cases = 0;
            for (String line : run.out().split("\n")) {
                if (!line.startsWith("{")) {
                    continue;
                }
                JsonNode c = json.readTree(line);
                cases++;
                if (!c.get("ok").asBoolean()) {
                    failed.add(c.get("section").asText() + " " + c.get("case").asText() + ": got " + c.get("got").asText());
                }
            }
            assertThat(run.exit()).as(run.out()).isZero();
            assertThat(cases).as("the script ran every case").isGreaterThanOrEqualTo(111);
            assertThat(failed).as("cases answered against the RFC").isEmpty();
            assertThat(gw.gateway.metrics().counterValue("rampart.http2.abuse"))
                    .as("malformed frames close a connection; only load (ENHANCE_YOUR_CALM) counts a client as an attacker")
                    .isZero();
        }
    }
}

package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.RawHttp;
import io.rampart.testing.TestCertificates;
import io.rampart.testing.TestOrigin;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Each known HTTP/2 abuse performed with raw frames (Debian's python3-h2 and hyperframe, script
 * {@code attacks/h2attack.py}) against an h2c listener, while a normal HTTP/2 client (curl, from
 * another loopback address) keeps asking: the attack is cut short (GOAWAY, refused streams, or a
 * closed connection), the normal client is served within a second throughout, and an attacker
 * whose connection was closed for abuse is then rate-limited on its next request.
 */
class Http2AbuseTest {
    private static TestOrigin origin;
    private static GatewayFixture gw;
    private static Path script;

    @BeforeAll
    static void start() throws Exception {
        origin = new TestOrigin();
        gw = GatewayFixture.start("""
                listeners:
                  - {address: 127.0.0.1:0, h2c: true}
                http2: {maxConcurrentStreams: 100, maxStreamsPerClient: 150, maxResets: 100, resetWindow: 10s}
                limits: {perClient: {rate: 50, burst: 100}}
                sites:
                  - {name: s, hosts: ['*'], upstreams: [ORIGIN]}
                """, origin.url());
        script = Path.of(Http2AbuseTest.class.getResource("/attacks/h2attack.py").toURI());
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        origin.close();
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
        "rapid-reset, 5000, 127.0.0.11",
        "made-you-reset, 5000, 127.0.0.12",
        "continuation-flood, 5000, 127.0.0.13",
        "settings-flood, 2000000, 127.0.0.14",
        "ping-flood, 2000000, 127.0.0.15",
        "empty-data, 5000, 127.0.0.16",
        "hpack-bomb, 200, 127.0.0.17",
        "streams, 400, 127.0.0.18"})
    void abuse_isCutShort_whileANormalClientIsServedWithinASecond(String mode, int count, String attacker) throws Exception {
        AtomicBoolean running = new AtomicBoolean(true);
        List<Long> latencies = new CopyOnWriteArrayList<>();
        List<String> failures = new CopyOnWriteArrayList<>();
        Thread normal = new Thread(() -> {
            int i = 0;
            while (running.get()) {
                long t0 = System.nanoTime();
                try {
                    TestCertificates.Result r = TestCertificates.run(Path.of("."), "curl", "-s", "-o", "/dev/null", "-w", "%{http_code} %{http_version}",
                            "--max-time", "5", "--http2-prior-knowledge", "--interface", "127.0.0.2",
                            "http://127.0.0.1:" + gw.port() + "/echo?normal=" + i++);
                    latencies.add((System.nanoTime() - t0) / 1_000_000);
                    if (!r.out().equals("200 2")) {
                        failures.add(r.out());
                    }
                    Thread.sleep(100);
                } catch (Exception e) {
                    failures.add(e.toString());
                }
            }
        });
        normal.start();
        TestCertificates.Result attack;
        try {
            attack = TestCertificates.run(Path.of("."), "/usr/bin/python3", script.toString(), mode, "127.0.0.1",
                    Integer.toString(gw.port()), Integer.toString(count), attacker);
        } finally {
            Thread.sleep(300);
            running.set(false);
            normal.join();
        }
        String[] lines = attack.out().trim().split("\n");
        JsonNode r = new ObjectMapper().readTree(lines[lines.length - 1]);
        System.out.println(mode + ": " + r + " normal client: " + latencies.size() + " requests, max " + latencies.stream().mapToLong(x -> x).max().orElse(-1) + " ms");
        assertThat(failures).as("the normal client was always served").isEmpty();
        assertThat(latencies).as("the normal client made requests during the attack").hasSizeGreaterThan(2);
        assertThat(latencies).as("each within a second").allMatch(ms -> ms < 1000);
        boolean cut = r.get("closed").asBoolean() || !r.get("goaway").isNull();
        switch (mode) {
            case "rapid-reset", "made-you-reset" -> {
                assertThat(r.get("goaway").asText()).isEqualTo("ENHANCE_YOUR_CALM");
                assertThat(r.get("sent").asInt()).as("stopped long before the script's %d", count).isLessThan(count);
                assertThat(gw.gateway.metrics().counterValue("rampart.http2.abuse")).as("counted").isPositive();
                try (RawHttp c = new RawHttp(attacker, gw.port())) {
                    assertThat(c.get("a", "/echo?after").status()).as("the attacker's bucket was emptied").isEqualTo(429);
                }
            }
            case "streams" -> assertThat(r.get("resets").toString()).as("streams past the limits are refused").contains("REFUSED_STREAM");
            case "hpack-bomb" -> assertThat(cut || r.get("resets").size() > 0).as("the oversized header lists are refused").isTrue();
            default -> {
                assertThat(cut).as("the connection was closed").isTrue();
                assertThat(r.get("sent").asInt()).isLessThan(count);
            }
        }
    }
}

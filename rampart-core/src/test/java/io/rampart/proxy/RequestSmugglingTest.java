package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.RawHttp.Response;
import io.rampart.testing.TestOrigin;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request smuggling and garbage: each payload gets the right status and a closed connection, the
 * origin never sees it, and the gateway keeps serving everyone else.
 */
@ExtendWith(LeakWatcher.class)
class RequestSmugglingTest {
    static TestOrigin origin;
    static GatewayFixture gw;

    @BeforeAll
    static void start() throws Exception {
        origin = new TestOrigin();
        gw = GatewayFixture.simple(origin.url(), """
                http:
                  maxRequestLine: 1KB
                  maxHeaderSize: 4KB
                  maxHeaders: 20
                  maxBodySize: 1KB
                """);
    }

    @AfterAll
    static void stop() throws Exception {
        gw.close();
        origin.close();
    }

    static Stream<Arguments> payloads() {
        String h = "Host: a\r\n";
        return Stream.of(
                Arguments.of("CL and TE together", 400,
                        "POST /upload HTTP/1.1\r\n" + h + "Content-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE then CL", 400,
                        "POST /upload HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nContent-Length: 4\r\n\r\n0\r\n\r\n"),
                Arguments.of("differing duplicate Content-Length", 400,
                        "POST /upload HTTP/1.1\r\n" + h + "Content-Length: 4\r\nContent-Length: 5\r\n\r\nabcde"),
                Arguments.of("Content-Length list", 400,
                        "POST /upload HTTP/1.1\r\n" + h + "Content-Length: 4, 5\r\n\r\nabcde"),
                Arguments.of("signed Content-Length", 400,
                        "POST /upload HTTP/1.1\r\n" + h + "Content-Length: +4\r\n\r\nabcd"),
                Arguments.of("TE not ending in chunked", 400,
                        "POST /upload HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE gzip only (read-until-close)", 400,
                        "POST /upload HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip\r\n\r\nxxxx"),
                Arguments.of("TE with extra coding before chunked", 400,
                        "POST /upload HTTP/1.1\r\n" + h + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("two TE headers", 400,
                        "POST /upload HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("obfuscated TE value", 400,
                        "POST /upload HTTP/1.1\r\n" + h + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("TE in HTTP/1.0", 400,
                        "POST /upload HTTP/1.0\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("bad chunk size", 400,
                        "POST /upload HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\nzz\r\nabc\r\n0\r\n\r\n"),
                Arguments.of("negative chunk size", 400,
                        "POST /upload HTTP/1.1\r\n" + h + "Transfer-Encoding: chunked\r\n\r\n-1\r\na\r\n0\r\n\r\n"),
                Arguments.of("obsolete line folding", 400,
                        "GET / HTTP/1.1\r\n" + h + "X-Folded: a\r\n b\r\n\r\n"),
                Arguments.of("obsolete line folding with tab", 400,
                        "GET / HTTP/1.1\r\n" + h + "X-Folded: a\r\n\tb\r\n\r\n"),
                Arguments.of("whitespace before colon", 400,
                        "GET / HTTP/1.1\r\n" + h + "Transfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
                Arguments.of("control character in header name", 400,
                        "GET / HTTP/1.1\r\n" + h + "X-Bad\u0001Name: v\r\n\r\n"),
                Arguments.of("invalid method", 400,
                        "G(E)T / HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of("invalid version", 400,
                        "GET / HTTP/x.y\r\n" + h + "\r\n"),
                Arguments.of("unsupported version", 505,
                        "GET / HTTP/1.7\r\n" + h + "\r\n"),
                Arguments.of("no Host in HTTP/1.1", 400,
                        "GET / HTTP/1.1\r\nUser-Agent: x\r\n\r\n"),
                Arguments.of("two Host headers", 400,
                        "GET / HTTP/1.1\r\nHost: a\r\nHost: b\r\n\r\n"),
                Arguments.of("garbage Host", 400,
                        "GET / HTTP/1.1\r\nHost: a b@c\r\n\r\n"),
                Arguments.of("request target not a path", 400,
                        "GET nonsense HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of("binary garbage", 400,
                        "\u0016\u0003\u0001\u0002\u0000\u0001\u0000\u01fc\u0003\u0003 garbage\r\n\r\n"),
                Arguments.of("request line too long", 414,
                        "GET /" + "a".repeat(2000) + " HTTP/1.1\r\n" + h + "\r\n"),
                Arguments.of("headers too large", 431,
                        "GET / HTTP/1.1\r\n" + h + "X-Big: " + "b".repeat(5000) + "\r\n\r\n"),
                Arguments.of("too many headers", 431,
                        "GET / HTTP/1.1\r\n" + h + "X-H: 1\r\n".repeat(25) + "\r\n"),
                Arguments.of("declared body too large", 413,
                        "POST /upload HTTP/1.1\r\n" + h + "Content-Length: 5000\r\n\r\n"),
                Arguments.of("TRACE", 405,
                        "TRACE / HTTP/1.1\r\n" + h + "\r\n"));
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @MethodSource("payloads")
    void badRequest_getsStatusAndClosedConnection_andNeverReachesOrigin(String name, int status, String payload) throws Exception {
        int before = origin.completed.get();
        try (RawHttp c = new RawHttp(gw.port())) {
            c.send(payload);
            Response r = c.read();
            assertThat(r.status()).as(name).isEqualTo(status);
            assertThat(r.header("connection")).isEqualTo("close");
            assertThat(r.header("x-rampart-ref")).matches("[0-9A-Z]{12}");
            assertThat(c.closedWithin(2000)).as("connection closed after " + name).isTrue();
        }
        // a head with valid framing may already be on its way when a broken body follows; the
        // origin connection is then dropped mid-body, so no request ever completes at the origin
        assertThat(origin.completed.get()).as("origin completed " + name).isEqualTo(before);
        try (RawHttp other = new RawHttp(gw.port())) {
            assertThat(other.get("a", "/").status()).isEqualTo(200);
        }
        assertThat(gw.gateway.metrics().counterValue("rampart.protocol.errors", "status", Integer.toString(status))).isPositive();
    }

    @Test
    void chunkedBodyOverLimit_gets413AndTheOriginExchangeIsAborted() throws Exception {
        try (RawHttp c = new RawHttp(gw.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "800\r\n" + "x".repeat(0x800) + "\r\n0\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(413);
            assertThat(c.closedWithin(2000)).isTrue();
        }
    }

    @Test
    void smuggledSecondRequestInBody_isNeverParsedAsARequest() throws Exception {
        // a body that looks like a request: with correct framing it is just bytes to the origin
        String inner = "GET /admin HTTP/1.1\r\nHost: a\r\n\r\n";
        try (RawHttp c = new RawHttp(gw.port())) {
            c.send("POST /upload HTTP/1.1\r\nHost: a\r\nContent-Length: " + inner.length() + "\r\n\r\n" + inner);
            assertThat(c.read().text()).startsWith(inner.length() + " ");
            assertThat(c.get("a", "/echo").text()).startsWith("GET /echo");
        }
        assertThat(origin.heads).noneMatch(r -> r.uri().equals("/admin"));
    }
}

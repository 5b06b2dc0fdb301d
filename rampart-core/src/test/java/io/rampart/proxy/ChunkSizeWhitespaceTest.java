package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.TestOrigin;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A chunk size that starts with whitespace is refused, as nginx and HAProxy refuse it (Netty's
 * decoder alone would skip the whitespace), whether it comes with the head or in a later read,
 * and a well-formed chunked body (extensions, trailers, split over many writes) still goes through.
 */
@ExtendWith(LeakWatcher.class)
class ChunkSizeWhitespaceTest {
    private static final String HEAD = "POST /upload HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n";
    private final TestOrigin origin = new TestOrigin();

    @AfterEach
    void stop() {
        origin.close();
    }

    @Test
    void aChunkSizeWithLeadingWhitespace_inTheSameReadAsTheHead_is400_andNeverReachesTheOrigin() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), ""); RawHttp c = new RawHttp(gw.port())) {
            c.send(HEAD + " 5\r\nhello\r\n0\r\n\r\n");
            assertThat(c.read().status()).isEqualTo(400);
            assertThat(origin.requests.get()).isZero();
        }
    }

    @Test
    void aTabBeforeALaterChunkSize_inALaterRead_endsTheExchange_andTheOriginNeverSeesACompleteBody() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), ""); RawHttp c = new RawHttp(gw.port())) {
            c.send(HEAD + "5\r\nhello\r\n");
            org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(5))
                    .until(() -> gw.gateway.inFlight() == 1); // a later read: the head has been decoded
            c.send("\t3\r\nabc\r\n0\r\n\r\n");
            assertThat(c.closedWithin(3000)).as("the exchange ends and the connection closes").isTrue();
            assertThat(origin.completed.get()).as("no complete body reached the origin").isZero();
            try (RawHttp other = new RawHttp(gw.port())) {
                assertThat(other.get("a", "/hello").status()).as("everyone else is served").isEqualTo(200);
            }
        }
    }

    @Test
    void aWellFormedChunkedBody_withExtensionsAndTrailers_splitOverManyWrites_goesThrough() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), ""); RawHttp c = new RawHttp(gw.port())) {
            String body = HEAD + "5;name=value\r\nhello\r\n6 ;x=y\r\n world\r\n0\r\nX-Trailer: t\r\n\r\n";
            for (int i = 0; i < body.length(); i += 7) {
                c.send(body.substring(i, Math.min(body.length(), i + 7)));
            }
            RawHttp.Response r = c.read();
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).contains("11"); // the origin received all eleven bytes
            assertThat(c.get("a", "/hello").status()).as("the connection goes on").isEqualTo(200);
        }
    }
}

package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.Challenges;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.OriginExtension;
import io.rampart.testing.RawHttp;
import io.rampart.testing.RawHttp.Response;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 17's CGNAT: a hundred readers behind one address that has shown no one yet. A browser's
 * page over the address's limit gets the challenge, never a 429, and each reader who solves it is
 * then limited on their own; feeds, APIs and assets keep the 429.
 */
@ExtendWith(LeakWatcher.class)
class PeopleBehindOneAddressTest {
    @RegisterExtension
    static final OriginExtension ORIGIN = new OriginExtension();

    private static final String CONFIG = """
            listeners: [{address: "127.0.0.1:0"}]
            challenge: {difficulty: 8}
            limits: {perClient: {rate: 0.01, burst: 4}}   # one more request a 100 s: no token comes back during the test
            sites:
              - {name: test, hosts: ['*'], upstreams: [ORIGIN]}
            """;

    private static Response get(RawHttp c, String path, String accept, String cookie) throws Exception {
        c.send("GET " + path + " HTTP/1.1\r\nHost: a\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) test\r\nAccept: " + accept + "\r\n"
                + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "\r\n");
        return c.read();
    }

    private static final String HTML = "text/html,application/xhtml+xml,*/*;q=0.8";

    /** Solves the challenge in {@code page} for {@code path}; returns the clearance cookie. */
    private static String solve(RawHttp c, Response page, String path) throws Exception {
        Response through = get(c, path, HTML, Challenges.solution(page));
        assertThat(through.status()).as("%s %s", through.headers(), through.text()).isEqualTo(200);
        return Challenges.clearance(through);
    }

    @Test
    void readersOverTheirSharedAddressesLimit_areChallengedNotRefused_andEachWhoSolvesIsLimitedAlone() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(CONFIG, ORIGIN.url());
             RawHttp c = new RawHttp("127.0.26.1", gw.port())) {
            Response over = null;
            int served = 0;
            for (int i = 0; i < 6 && over == null; i++) {
                Response r = get(c, "/echo?a=" + i, HTML, null);
                assertThat(r.status()).as("a page is never refused: served or challenged").isIn(200, 403);
                if (r.header("x-rampart-challenge") != null) {
                    over = r;
                } else {
                    served++;
                }
            }
            assertThat(over).as("challenged").isNotNull();
            assertThat(served).as("the address's burst, then the challenge").isEqualTo(4);
            int refused = 0;
            for (int i = 0; i < 4; i++) {
                int api = get(c, "/api/items?" + i, "application/json", null).status();
                int css = get(c, "/static/site.css?" + i, "text/css,*/*", null).status();
                assertThat(api).as("an API call is never challenged").isIn(200, 429);
                assertThat(css).as("an asset is never challenged").isIn(200, 429);
                refused += (api == 429 ? 1 : 0) + (css == 429 ? 1 : 0);
            }
            assertThat(refused).as("past the burst, APIs and assets get the 429").isPositive();

            String alice = solve(c, over, "/echo?a=" + served);
            assertThat(get(c, "/echo?alice=1", HTML, alice).status()).as("Alice, on her own allowance").isEqualTo(200);
            String bob = solve(c, get(c, "/echo?b=1", HTML, null), "/echo?b=1");
            assertThat(get(c, "/echo?bob=1", HTML, bob).status()).as("Bob too").isEqualTo(200);
            int alices = 0;
            while (get(c, "/echo?alice=more" + alices, HTML, alice).status() == 200 && alices < 10) {
                alices++;
            }
            assertThat(alices).as("Alice's own burst is spent: she is limited on her own, and a person's limit stays a 429").isLessThan(4);
            assertThat(gw.gateway.metrics().counterValue("rampart.challenges", "outcome", "solved")).isEqualTo(2);
        }
    }
}

package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.challenge.ProofOfWork;
import io.rampart.config.MitigationStep;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.RawHttp.Response;
import io.rampart.testing.TestOrigin;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Being known is earned, not claimed (issue 16, items 1 and 2), over real sockets: a flood that
 * carries the site's session cookie name is challenged like any other; a clearance earned on one
 * site is refused on another; and a clearance is a ticket past the puzzle, not past the
 * operator's rules.
 */
@ExtendWith(LeakWatcher.class)
class EarnedNotClaimedTest {
    private static final String UA = "Mozilla/5.0 (X11; Linux x86_64) Firefox/133.0";
    private static final Pattern TICKET = Pattern.compile("data-ticket=\"([A-Za-z0-9_-]{72})\" data-bits=\"(\\d+)\"");
    private static final String SITES = """
            challenge: {difficulty: 8}
            knownUsers:
              cookies: [sid]
              headers: [x-campaign-app]
            limits:
              perClient: {rate: 1000, burst: 1000}
            sites:
              - name: campaign
                hosts: [campaign.test]
                upstreams: [ORIGIN]
                underAttack: true
              - name: shop
                hosts: [shop.test]
                upstreams: [ORIGIN]
                underAttack: true
            """;

    private final TestOrigin origin = new TestOrigin();

    @AfterEach
    void stop() {
        origin.close();
    }

    private static Response get(RawHttp c, String host, String path, String headers) throws Exception {
        c.send("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nUser-Agent: " + UA + "\r\nAccept: text/html\r\n"
                + headers + "\r\n");
        return c.read();
    }

    /** Solves the challenge {@code host} gives and returns the clearance cookie it sets. */
    private static String clearance(RawHttp c, String host) throws Exception {
        Response page = get(c, host, "/", "");
        Matcher m = TICKET.matcher(page.text());
        assertThat(m.find()).as("a challenge").isTrue();
        String pow = "rampart_pow=" + m.group(1) + "." + ProofOfWork.solve(m.group(1), Integer.parseInt(m.group(2)));
        Response through = get(c, host, "/", "Cookie: " + pow + "\r\n");
        assertThat(through.status()).isEqualTo(200);
        Matcher cm = Pattern.compile("rampart_clearance=([A-Za-z0-9_-]{72})").matcher(through.header("set-cookie"));
        assertThat(cm.find()).isTrue();
        return "rampart_clearance=" + cm.group(1);
    }

    @Test
    void aFloodCarryingTheSessionCookieOrHeader_isChallengedExactlyLikeOneWithout() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(SITES, origin.url())) {
            int refused = 0;
            for (int i = 0; i < 60; i++) {
                try (RawHttp c = new RawHttp("127.0.77." + (i + 1), gw.port())) {
                    String claim = i % 2 == 0 ? "Cookie: sid=" + Long.toHexString(ThreadLocalRandom.current().nextLong()) + "\r\n"
                            : "X-Campaign-App: 1\r\n";
                    for (int r = 0; r < 5; r++) {
                        if (get(c, "campaign.test", "/donate?r=" + r, claim).status() == 403) {
                            refused++;
                        }
                    }
                }
            }
            assertThat(refused).as("every claimed request challenged").isEqualTo(300);
            assertThat(origin.requests.get()).as("none reached the origin").isZero();
        }
    }

    @Test
    void aClearanceIsBoundToTheSiteThatGaveIt() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(SITES, origin.url()); RawHttp c = new RawHttp("127.0.78.1", gw.port())) {
            String cleared = clearance(c, "campaign.test");
            assertThat(get(c, "campaign.test", "/page", "Cookie: " + cleared + "\r\n").status()).isEqualTo(200);
            Response elsewhere = get(c, "shop.test", "/page", "Cookie: " + cleared + "\r\n");
            assertThat(elsewhere.status()).as("another site's clearance").isEqualTo(403);
            assertThat(elsewhere.header("x-rampart-challenge")).isEqualTo("pow");
        }
    }

    @Test
    void aClearanceIsATicketPastThePuzzle_notPastTheOperatorsRules() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(SITES, origin.url()); RawHttp c = new RawHttp("127.0.79.1", gw.port())) {
            String cleared = clearance(c, "campaign.test");
            gw.gateway.detection().addRule("campaign", Map.of("path", "/donate"), MitigationStep.BLOCK, null, "test");
            int before = origin.requests.get();
            Response blocked = get(c, "campaign.test", "/donate", "Cookie: " + cleared + "\r\n");
            assertThat(blocked.status()).isEqualTo(403);
            assertThat(blocked.header("x-rampart-challenge")).as("refused by the rule, not challenged").isNull();
            assertThat(origin.requests.get()).isEqualTo(before);
            assertThat(get(c, "campaign.test", "/page", "Cookie: " + cleared + "\r\n").status()).as("the rest of the site").isEqualTo(200);
        }
    }
}

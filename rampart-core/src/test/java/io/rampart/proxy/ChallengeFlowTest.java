package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.challenge.ProofOfWork;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.OriginExtension;
import io.rampart.testing.RawHttp;
import io.rampart.testing.RawHttp.Response;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The under-attack switch, end to end over real sockets: challenge page, solution, clearance, the
 * no-JavaScript pass, exemptions, and tickets that must be refused. The browser half (JavaScript
 * solving the puzzle) is covered by the Chromium test in rampart-server.
 */
@ExtendWith(LeakWatcher.class)
class ChallengeFlowTest {
    @RegisterExtension
    static final OriginExtension ORIGIN = new OriginExtension();

    private static final String UA = "Mozilla/5.0 (X11; Linux x86_64) Chromium-test";
    private static final Pattern TICKET = Pattern.compile("data-ticket=\"([A-Za-z0-9_-]{72})\" data-bits=\"(\\d+)\"");
    private static final Pattern PASS = Pattern.compile("url=(/\\.rampart/pass\\?t=[A-Za-z0-9_-]{72}&amp;u=[^\"]+)\"");

    private static final String UNDER_ATTACK = """
            listeners: [{address: "127.0.0.1:0"}]
            challenge:
              difficulty: 10
              noScriptWait: 1s
              contact: security@example.org
            knownUsers:
              cookies: [site_session]
              tokenCookie: campaign_user
              tokenSecret: the campaign app's shared secret
            sites:
              - name: campaign
                hosts: ['*']
                upstreams: [ORIGIN]
                underAttack: true
            """;

    private static Response get(RawHttp c, String path, String cookie) throws Exception {
        c.send("GET " + path + " HTTP/1.1\r\nHost: campaign.example\r\nUser-Agent: " + UA + "\r\n"
                + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "Accept: text/html\r\n\r\n");
        return c.read();
    }

    private static String solution(Response challenge) {
        Matcher m = TICKET.matcher(challenge.text());
        assertThat(m.find()).as("a ticket in the page").isTrue();
        String ticket = m.group(1);
        return "rampart_pow=" + ticket + "." + ProofOfWork.solve(ticket, Integer.parseInt(m.group(2)));
    }

    private static String clearanceFrom(Response r) {
        Matcher m = Pattern.compile("rampart_clearance=([A-Za-z0-9_-]{72})").matcher(r.header("set-cookie"));
        assertThat(m.find()).isTrue();
        return "rampart_clearance=" + m.group(1);
    }

    @Test
    void unknownBrowser_isChallenged_solves_andIsClearedForLaterRequests() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(UNDER_ATTACK, ORIGIN.url());
             RawHttp c = new RawHttp("127.0.3.1", gw.port())) {
            int before = ORIGIN.origin().requests.get();
            Response page = get(c, "/echo?article=42", null);
            assertThat(page.status()).isEqualTo(403);
            assertThat(page.header("x-rampart-challenge")).isEqualTo("pow");
            assertThat(page.header("cache-control")).isEqualTo("no-store");
            assertThat(page.text()).contains("<h1>Checking your browser</h1>", "role=\"status\"", "<label for=\"rampart-progress\"",
                    "security@example.org", page.header("x-rampart-ref"), "<noscript>");
            assertThat(ORIGIN.origin().requests.get()).as("the origin saw nothing").isEqualTo(before);

            Response through = get(c, "/echo?article=42", solution(page));
            assertThat(through.status()).isEqualTo(200);
            assertThat(through.text()).startsWith("GET /echo?article=42 ").doesNotContain("rampart_pow");
            assertThat(through.header("set-cookie")).contains("HttpOnly", "SameSite=Lax", "rampart_pow=; Max-Age=0");
            String clearance = clearanceFrom(through);

            Response later = get(c, "/echo", clearance + "; theme=dark");
            assertThat(later.status()).isEqualTo(200);
            assertThat(later.text()).as("Rampart's cookie stays with Rampart").contains("cookie: theme=dark").doesNotContain("rampart_");
            assertThat(gw.gateway.metrics().counterValue("rampart.challenges", "outcome", "solved")).isEqualTo(1);
        }
    }

    @Test
    void challengeSettingsReloadInPlace_andClearancesAlreadyGivenStayValid_butTheSecretNeedsARestart() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(UNDER_ATTACK, ORIGIN.url())) {
            String clearance;
            try (RawHttp before = new RawHttp("127.0.3.9", gw.port())) {
                clearance = clearanceFrom(get(before, "/echo", solution(get(before, "/echo", null))));
            }
            String fixed = "admin: {enabled: false}\naccessLog: {path: " + gw.accessLog + "}\n";
            String next = fixed + UNDER_ATTACK.replace("ORIGIN", ORIGIN.url())
                    .replace("difficulty: 10", "difficulty: 12\n  exemptPaths: ['/press/']")
                    .replace("tokenCookie: campaign_user", "tokenCookie: campaign_member");

            gw.gateway.reload(new io.rampart.config.ConfigLoader().parse(next, "next.yml"));

            try (RawHttp c = new RawHttp("127.0.3.9", gw.port())) {
                assertThat(get(c, "/echo", clearance).status()).as("a clearance from before the reload").isEqualTo(200);
                Matcher m = TICKET.matcher(get(c, "/echo?fresh", null).text());
                assertThat(m.find()).isTrue();
                assertThat(m.group(2)).as("the new difficulty").isEqualTo("12");
                assertThat(get(c, "/press/release", null).header("x-rampart-challenge")).as("a new exempt path").isNull();
                String token = new io.rampart.challenge.UserTokens("the campaign app's shared secret", System::currentTimeMillis)
                        .mint("ada", System.currentTimeMillis() / 1000 + 3600);
                assertThat(get(c, "/echo", "campaign_member=" + token).status()).as("the token's new cookie name").isEqualTo(200);
                org.assertj.core.api.Assertions.assertThatThrownBy(() -> gw.gateway.reload(new io.rampart.config.ConfigLoader()
                                .parse(next.replace("difficulty: 12", "difficulty: 12\n  secret: another-secret-of-enough-length"), "next.yml")))
                        .hasMessageContaining("challenge.secret").hasMessageNotContaining("challenge.difficulty");
            }
        }
    }

    @Test
    void twoTabsSolvingAtOnce_bothGetThrough_withoutALoop() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(UNDER_ATTACK, ORIGIN.url());
             RawHttp tabA = new RawHttp("127.0.12.1", gw.port());
             RawHttp tabB = new RawHttp("127.0.12.2", gw.port())) {
            String a = solution(get(tabA, "/echo?tab=a", null));
            String b = solution(get(tabB, "/echo?tab=b", null));
            // the two tabs share one cookie jar: B's solution overwrote A's before A reloaded
            Response first = get(tabA, "/echo?tab=a", b);
            assertThat(first.status()).isEqualTo(200);
            String clearance = clearanceFrom(first);
            // B reloads with the same (now spent) solution, and the clearance A just got
            assertThat(get(tabB, "/echo?tab=b", b + "; " + clearance).status()).isEqualTo(200);
            // and A's own solution still works once, should it arrive late
            assertThat(get(tabA, "/echo?tab=a", a).status()).isEqualTo(200);
        }
    }

    @Test
    void replayedSolution_forgedOrMovedClearance_areChallengedAgain() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(UNDER_ATTACK, ORIGIN.url());
             RawHttp c = new RawHttp("127.0.4.1", gw.port());
             RawHttp thief = new RawHttp("127.0.5.1", gw.port())) {
            String solved = solution(get(c, "/echo", null));
            String clearance = clearanceFrom(get(c, "/echo", solved));
            assertThat(get(c, "/echo", solved).status()).as("a solution works once").isEqualTo(403);
            assertThat(get(thief, "/echo", clearance).status()).as("a clearance copied to another network").isEqualTo(403);
            String forged = clearance.substring(0, clearance.length() - 3) + (clearance.endsWith("AAA") ? "BBB" : "AAA");
            assertThat(get(c, "/echo", forged).status()).isEqualTo(403);
            assertThat(get(c, "/echo", "rampart_pow=garbage.12; rampart_clearance=%00%ff").status()).isEqualTo(403);
            assertThat(get(c, "/echo", clearance).status()).as("the real one still works").isEqualTo(200);
            assertThat(gw.gateway.metrics().counterValue("rampart.challenges", "outcome", "refused.replayed")).isEqualTo(1);
            assertThat(gw.gateway.metrics().counterValue("rampart.challenges", "outcome", "refused.other_client")).isEqualTo(1);
            assertThat(gw.gateway.metrics().counterValue("rampart.challenges", "outcome", "refused.forged")).isEqualTo(1);
        }
    }

    @Test
    void withoutJavaScript_thePassWorksAfterItsWait_andGoesBackToTheOriginalAddress() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(UNDER_ATTACK, ORIGIN.url());
             RawHttp c = new RawHttp("127.0.6.1", gw.port())) {
            Response page = get(c, "/echo?q=a%20b&x=1", null);
            Matcher m = PASS.matcher(page.text());
            assertThat(m.find()).isTrue();
            String pass = m.group(1).replace("&amp;", "&");
            Response early = get(c, pass, null);
            assertThat(early.status()).as("too early: back to the page").isEqualTo(303);
            assertThat(early.header("set-cookie")).isNull();
            Thread.sleep(1100);
            Response ok = get(c, pass, null);
            assertThat(ok.status()).isEqualTo(303);
            assertThat(ok.header("location")).isEqualTo("/.rampart/check?u=%2Fecho%3Fq%3Da%2520b%26x%3D1");
            Response checked = get(c, ok.header("location"), clearanceFrom(ok));
            assertThat(checked.status()).isEqualTo(303);
            assertThat(checked.header("location")).isEqualTo("/echo?q=a%20b&x=1");
            Response back = get(c, checked.header("location"), clearanceFrom(ok));
            assertThat(back.status()).isEqualTo(200);
            assertThat(get(c, pass, null).status()).as("a pass is spent once used").isEqualTo(303);
        }
    }

    @Test
    void browserWithoutJavaScriptThatRefusesCookies_isToldSo_insteadOfLooping() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(UNDER_ATTACK, ORIGIN.url());
             RawHttp c = new RawHttp("127.0.7.1", gw.port())) {
            Matcher m = PASS.matcher(get(c, "/echo", null).text());
            assertThat(m.find()).isTrue();
            Thread.sleep(1100);
            Response ok = get(c, m.group(1).replace("&amp;", "&"), null);
            Response refused = get(c, ok.header("location"), null); // the cookie did not come back
            assertThat(refused.status()).isEqualTo(403);
            assertThat(refused.text()).contains("Cookies are needed", "href=\"/echo\"").doesNotContain("http-equiv=\"refresh\"");
            // another person behind the same address and browser version is not affected
            Response neighbour = get(c, "/echo", null);
            assertThat(neighbour.text()).contains("data-ticket=", "http-equiv=\"refresh\"");
            assertThat(get(c, "/.rampart/check?u=//evil.example", null).status()).isEqualTo(400);
        }
    }

    @Test
    void feedsApisWellKnownAndSignedTokenUsers_areNeverChallenged_butAPresentCookieIs() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(UNDER_ATTACK, ORIGIN.url());
             RawHttp c = new RawHttp("127.0.8.1", gw.port())) {
            for (String p : new String[] {"/robots.txt", "/.well-known/security.txt", "/api/echo", "/feed", "/news.rss"}) {
                assertThat(get(c, p, null).header("x-rampart-challenge")).as(p).isNull();
            }
            assertThat(get(c, "/echo", "site_session=abc").status()).as("a cookie's presence proves nothing").isEqualTo(403);
            io.rampart.challenge.UserTokens app = new io.rampart.challenge.UserTokens("the campaign app's shared secret",
                    System::currentTimeMillis);
            long inAnHour = System.currentTimeMillis() / 1000 + 3600;
            assertThat(get(c, "/echo", "campaign_user=" + app.mint("ada", inAnHour)).status()).isEqualTo(200);
            assertThat(get(c, "/echo", "campaign_user=" + app.mint("ada", inAnHour - 7200)).status()).as("expired").isEqualTo(403);
            assertThat(get(c, "/echo", "campaign_user=eve." + inAnHour + "." + "0".repeat(64)).status()).as("forged").isEqualTo(403);
        }
    }

    @Test
    void jsonClients_getTheChallengeAsJson() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(UNDER_ATTACK, ORIGIN.url());
             RawHttp c = new RawHttp("127.0.9.1", gw.port())) {
            c.send("GET /echo HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n");
            Response r = c.read();
            assertThat(r.status()).isEqualTo(403);
            assertThat(r.header("content-type")).startsWith("application/json");
            assertThat(r.text()).contains("\"error\":\"challenge\"", "\"bits\":10", "\"ticket\":\"");
        }
    }

    @Test
    void ownAddresses_serveScripts_andRefuseGarbageWithClearAnswers() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start(UNDER_ATTACK, ORIGIN.url());
             RawHttp c = new RawHttp("127.0.10.1", gw.port())) {
            Response js = get(c, "/.rampart/pow-worker.js", null);
            assertThat(js.status()).isEqualTo(200);
            assertThat(js.header("content-type")).startsWith("text/javascript");
            assertThat(js.header("cache-control")).contains("max-age");
            assertThat(js.text()).contains("RampartPow");
            assertThat(get(c, "/.rampart/challenge.js", null).status()).isEqualTo(200);
            assertThat(get(c, "/.rampart/nothing", null).status()).isEqualTo(404);
            assertThat(get(c, "/.rampart/pass?t=garbage&u=/x", null).status()).isEqualTo(403);
            assertThat(get(c, "/.rampart/pass?t=x&u=//evil.example/", null).status()).isEqualTo(400);
            assertThat(get(c, "/.rampart/pass?t=x&u=%0d%0aSet-Cookie:%20x=1", null).status()).isEqualTo(400);
            assertThat(get(c, "/.rampart/pass?t=x", null).status()).isEqualTo(400);
            c.send("POST /.rampart/pass HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc");
            assertThat(c.read().status()).isEqualTo(405);
            assertThat(get(c, "/.rampart/pow-worker.js", null).status()).as("still serving on the same connection").isEqualTo(200);
        }
    }

    @Test
    void siteNotUnderAttack_neverChallenges_butStillHonoursAndStripsClearances() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(ORIGIN.url(), "");
             RawHttp c = new RawHttp("127.0.11.1", gw.port())) {
            Response r = get(c, "/echo", "rampart_clearance=whatever; a=b");
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.text()).contains("cookie: a=b").doesNotContain("rampart_clearance");
        }
    }
}

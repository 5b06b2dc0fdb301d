package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.rampart.config.ConfigLoader;
import io.rampart.config.MitigationStep;
import io.rampart.config.RampartConfig;
import io.rampart.metrics.GatewayMetrics;
import io.rampart.mitigate.Condition;
import io.rampart.mitigate.Policy;
import io.rampart.mitigate.Reason;
import io.rampart.mitigate.Rule;
import io.rampart.mitigate.SitePolicy;
import io.rampart.mitigate.Verdict;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.ConnectionPrints;
import io.rampart.traffic.Dimension;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Each step of the {@link RequestPath} on its own terms: a request is written into a real
 * {@link Http1Connection} on Netty's in-memory channel, and what the client gets back (and what
 * the exchange decided) is read. Steps that need an origin (shield, admission, connect) are
 * covered over real sockets by {@code ShieldTest}, {@code AdmissionTest} and {@code ProxyForwardingTest}.
 */
class RequestPathTest {
    private static final String BASE = """
            admin: {enabled: false}
            accessLog: {path: 'off'}
            detection: {enabled: false}
            incidents: {enabled: false}
            limits:
              perClient: {rate: 1, burst: 2}
            allow: [10.9.9.9/32]
            knownUsers: {tokenCookie: site_user, tokenSecret: a secret the site shares}
            sites:
              - name: www
                hosts: [www.example.org]
                upstreams: [http://127.0.0.1:9]
                https: {redirect: true}
            """;

    private SharedState shared;
    private GatewayRuntime rt;
    private EmbeddedChannel channel;
    private Http1Connection conn;

    private void start(String yaml, String peer) throws Exception {
        RampartConfig config = new ConfigLoader().parse(yaml, "test");
        GatewayMetrics metrics = new GatewayMetrics(List.of("www"));
        shared = new SharedState(config, metrics, System::nanoTime);
        rt = GatewayRuntime.first(config, shared, AccessLog.open("off", 0, metrics));
        ClientGuard guard = new ClientGuard(config.timeouts());
        conn = new Http1Connection(rt, guard, ClientAddress.parse(peer), false, "http", ConnectionPrints.PLAIN);
        channel = new EmbeddedChannel(guard, conn);
    }

    @AfterEach
    void stop() {
        if (channel != null) {
            channel.finishAndReleaseAll();
        }
    }

    private FullHttpResponse send(HttpMethod method, String target, String... headers) {
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, target);
        for (int i = 0; i < headers.length; i += 2) {
            req.headers().add(headers[i], headers[i + 1]);
        }
        channel.writeInbound(req, LastHttpContent.EMPTY_LAST_CONTENT);
        Object out = channel.readOutbound();
        assertThat(out).as("an answer from the gateway itself").isInstanceOf(FullHttpResponse.class);
        return (FullHttpResponse) out;
    }

    private static int status(FullHttpResponse res) {
        int code = res.status().code();
        ReferenceCountUtil.release(res);
        return code;
    }

    @Test
    void theStepsRunInTheDocumentedOrder() {
        assertThat(RequestPath.names()).containsExactly("Hygiene", "AcmeAnswer", "Route", "Identify", "Limits", "Rules",
                "UnderAttack", "Allowed", "Habits", "HttpsRedirect", "ShieldLookup", "BodyFirst", "Admission", "Connect");
        assertThat(RequestPath.AFTER_SHIELD).isEqualTo(11);
    }

    @Test
    void hygiene_refusesTraceWith405AndCloses() throws Exception {
        start(BASE, "10.0.0.1");
        assertThat(status(send(HttpMethod.TRACE, "/", "host", "www.example.org"))).isEqualTo(405);
        assertThat(conn.closing()).isTrue();
        assertThat(rt.inFlight.get()).as("the exchange ended exactly once").isZero();
    }

    @Test
    void hygiene_absoluteFormTargetWinsOverHost() throws Exception {
        start(BASE, "10.0.0.1");
        FullHttpResponse res = send(HttpMethod.GET, "http://www.example.org/donate?x=1", "host", "elsewhere.example");
        assertThat(res.status().code()).isEqualTo(308);
        assertThat(res.headers().get(HttpHeaderNames.LOCATION)).isEqualTo("https://www.example.org/donate?x=1");
        ReferenceCountUtil.release(res);
    }

    @Test
    void acmeAnswer_isServedBeforeRoutingEvenForAnUnknownHost() throws Exception {
        start(BASE, "10.0.0.1");
        rt.acmeChallenges.put("tok", "tok.key");
        FullHttpResponse res = send(HttpMethod.GET, "/.well-known/acme-challenge/tok", "host", "unknown.example");
        assertThat(res.status().code()).isEqualTo(200);
        assertThat(res.content().toString(StandardCharsets.US_ASCII)).isEqualTo("tok.key");
        ReferenceCountUtil.release(res);
    }

    @Test
    void route_unknownHostIs421_unparsableHostIs400() throws Exception {
        start(BASE, "10.0.0.1");
        assertThat(status(send(HttpMethod.GET, "/", "host", "other.example"))).isEqualTo(421);
        assertThat(status(send(HttpMethod.GET, "/", "host", "bad host["))).isEqualTo(400);
    }

    @Test
    void limits_refuseTheClientOverItsBurstWith429AndRetryAfter_andKeepTheConnection() throws Exception {
        start(BASE, "10.0.0.1");
        assertThat(status(send(HttpMethod.GET, "/", "host", "www.example.org"))).isEqualTo(308);
        assertThat(status(send(HttpMethod.GET, "/", "host", "www.example.org"))).isEqualTo(308);
        FullHttpResponse res = send(HttpMethod.GET, "/", "host", "www.example.org");
        assertThat(res.status().code()).isEqualTo(429);
        assertThat(res.headers().get(HttpHeaderNames.RETRY_AFTER)).isEqualTo("1");
        ReferenceCountUtil.release(res);
        assertThat(conn.x.decision.reason()).isEqualTo(Reason.CLIENT_RATE);
        assertThat(conn.closing()).as("a refused GET keeps its connection").isFalse();
    }

    @Test
    void limits_neverRefuseTheAllowList() throws Exception {
        start(BASE, "10.9.9.9");
        for (int i = 0; i < 10; i++) {
            assertThat(status(send(HttpMethod.GET, "/", "host", "www.example.org"))).isEqualTo(308);
        }
    }

    @Test
    void limits_serveRampartsOwnPages_refusingOtherMethods() throws Exception {
        start(BASE, "10.0.0.1");
        assertThat(status(send(HttpMethod.POST, "/.rampart/nothing", "host", "www.example.org"))).isEqualTo(405);
        assertThat(status(send(HttpMethod.GET, "/.rampart/nothing", "host", "www.example.org"))).isEqualTo(404);
    }

    @Test
    void rules_aBlockRuleAnswers403AndNamesTheRule() throws Exception {
        start(BASE, "10.0.0.1");
        publish(MitigationStep.BLOCK);
        assertThat(status(send(HttpMethod.GET, "/", "host", "www.example.org"))).isEqualTo(403);
        assertThat(conn.x.decision.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(conn.x.decision.rule().id()).isEqualTo("www-1");
    }

    @Test
    void rules_doNotApplyToAClientOnTheAllowList() throws Exception {
        start(BASE, "10.9.9.9");
        publish(MitigationStep.BLOCK);
        assertThat(status(send(HttpMethod.GET, "/", "host", "www.example.org"))).isEqualTo(308);
    }

    @Test
    void rules_aChallengeRuleHoldsAFeedToTheRuleRateInstead() throws Exception {
        start(BASE.replace("perClient: {rate: 1, burst: 2}", "perClient: {rate: 1000, burst: 1000}")
                .replace("detection: {enabled: false}", "detection: {enabled: false, ruleLimit: {rate: 1, burst: 1}}"), "10.0.0.1");
        publish(MitigationStep.CHALLENGE);
        // a feed cannot run the challenge: the rule's rate applies, so the first passes and the next are limited
        int first = status(send(HttpMethod.GET, "/feed", "host", "www.example.org"));
        assertThat(first).isEqualTo(308);
        int limited = 0;
        for (int i = 0; i < 20; i++) {
            if (status(send(HttpMethod.GET, "/feed", "host", "www.example.org")) == 429) {
                limited++;
            }
        }
        assertThat(limited).isPositive();
        assertThat(conn.x.decision.verdict()).isEqualTo(Verdict.LIMIT);
        // a page asks the same client to prove it is a browser
        assertThat(status(send(HttpMethod.GET, "/", "host", "www.example.org", "accept", "text/html"))).isEqualTo(403);
        assertThat(conn.x.decision.verdict()).isEqualTo(Verdict.CHALLENGE);
    }

    @Test
    void underAttack_challengesAnUnknownClientWithTheProofOfWorkPage() throws Exception {
        start(BASE.replace("https: {redirect: true}", "https: {redirect: true}\n    underAttack: true"), "10.0.0.1");
        FullHttpResponse res = send(HttpMethod.GET, "/", "host", "www.example.org", "accept", "text/html");
        assertThat(res.status().code()).isEqualTo(403);
        assertThat(res.headers().contains(OwnAnswers.CHALLENGE_HEADER)).isTrue();
        ReferenceCountUtil.release(res);
        assertThat(conn.x.decision.reason()).isEqualTo(Reason.UNDER_ATTACK);
    }

    @Test
    void allowed_takesRampartsCookiesOffTheRequest_keepingTheSites() throws Exception {
        start(BASE, "10.0.0.1");
        HttpRequest req = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, "/");
        req.headers().add("host", "www.example.org").add("cookie", "sid=abc; rampart_clearance=forged; lang=en");
        channel.writeInbound(req, LastHttpContent.EMPTY_LAST_CONTENT);
        assertThat(status((FullHttpResponse) channel.readOutbound())).isEqualTo(308);
        assertThat(req.headers().get("cookie")).isEqualTo("sid=abc; lang=en");
    }

    @Test
    void exchange_endsOnce_evenWhenTheClientLeavesAfterTheAnswer() throws Exception {
        start(BASE, "10.0.0.1");
        assertThat(status(send(HttpMethod.GET, "/", "host", "www.example.org"))).isEqualTo(308);
        int id = conn.x.id;
        channel.close();
        assertThat(rt.inFlight.get()).isZero();
        assertThat(conn.x.id).isEqualTo(id);
        assertThat(conn.x.phase).isEqualTo(Exchange.Phase.ENDED);
    }

    @Test
    void rules_aClearedClientPassesAnAutomaticChallengeRung_butNotAnAutomaticBlock() throws Exception {
        start(BASE, "10.0.0.1");
        String cleared = "rampart_clearance=" + rt.gatekeeper.tickets().mintClearance(ClientAddress.parse("10.0.0.1"), "ua", 3600, 0, "www");
        publish(MitigationStep.CHALLENGE);
        assertThat(status(send(HttpMethod.GET, "/", "host", "www.example.org", "user-agent", "ua", "cookie", cleared)))
                .as("it paid the challenge already").isEqualTo(308);
        publish(MitigationStep.BLOCK);
        assertThat(status(send(HttpMethod.GET, "/", "host", "www.example.org", "user-agent", "ua", "cookie", cleared))).isEqualTo(403);
        String elsewhere = "rampart_clearance=" + rt.gatekeeper.tickets().mintClearance(ClientAddress.parse("10.0.0.1"), "ua", 3600, 0, "shop");
        publish(MitigationStep.CHALLENGE);
        assertThat(status(send(HttpMethod.GET, "/", "host", "www.example.org", "user-agent", "ua", "cookie", elsewhere)))
                .as("a clearance of another site counts for nothing here").isEqualTo(403);
        assertThat(conn.x.decision.verdict()).isEqualTo(Verdict.CHALLENGE);
    }

    @Test
    void rules_aSignedTokenPassesAutomaticRules_butNotTheOperators() throws Exception {
        start(BASE, "10.0.0.1");
        String token = "site_user=" + new io.rampart.challenge.UserTokens("a secret the site shares", System::currentTimeMillis)
                .mint("ada", System.currentTimeMillis() / 1000 + 3600);
        publish(MitigationStep.BLOCK);
        assertThat(status(send(HttpMethod.GET, "/", "host", "www.example.org", "cookie", token))).isEqualTo(308);
        publish(MitigationStep.BLOCK, true);
        assertThat(status(send(HttpMethod.GET, "/", "host", "www.example.org", "cookie", token))).isEqualTo(403);
    }

    @Test
    void identify_aCookieOrHeaderThatIsMerelyPresent_makesNoOneKnown() throws Exception {
        start(BASE.replace("knownUsers: {", "knownUsers: {cookies: [sid], headers: [x-app], ")
                .replace("https: {redirect: true}", "https: {redirect: true}\n    underAttack: true"), "10.0.0.1");
        assertThat(status(send(HttpMethod.GET, "/", "host", "www.example.org", "cookie", "sid=whatever"))).isEqualTo(403);
        assertThat(conn.x.standing.known()).isFalse();
        assertThat(status(send(HttpMethod.GET, "/", "host", "www.example.org", "x-app", "1"))).isEqualTo(403);
        assertThat(conn.x.standing.known()).isFalse();
    }

    /** A rule on GET requests at {@code step}, published as the control plane would. */
    private void publish(MitigationStep step) {
        publish(step, false);
    }

    private void publish(MitigationStep step, boolean byOperator) {
        Rule rule = new Rule("www-1", List.of(Condition.of(Dimension.METHOD, rt.hasher.hash("GET"), "method=GET")), step,
                false, new LongAdder(), byOperator);
        SitePolicy[] sites = new SitePolicy[rt.metrics.siteSlot("www") + 1];
        java.util.Arrays.fill(sites, SitePolicy.QUIET);
        sites[rt.metrics.siteSlot("www")] = new SitePolicy(List.of(rule), false, "attack");
        rt.policy.set(new Policy(sites));
    }
}

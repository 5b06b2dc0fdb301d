package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rampart.config.ConfigLoader;
import io.rampart.config.MitigationStep;
import io.rampart.config.RampartConfig;
import io.rampart.incident.IncidentRecord;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.RawHttp;
import io.rampart.testing.TestOrigin;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A reload adds, removes and reorders sites without a restart. A site that stays keeps what it
 * learned wherever it moves in the list: its rate-limit buckets, the operator's rules (published
 * at its own place in the policy, not at its old position), its counters. A new site serves at
 * once; a removed one stops being routed and its open incident is closed, saying why.
 */
class SitesReloadTest {
    private static final String HEAD = "admin: {enabled: false}\nlisteners:\n  - address: 127.0.0.1:0\naccessLog: {path: off}\n"
            + "challenge: {exemptPaths: ['/']}\n";
    private static final String NEWS = "  - {name: news, hosts: [news.test], upstreams: ['NEWS'],"
            + " limits: {perClient: {rate: 0.01, burst: 3}}}\n";
    private static final String SHOP = "  - {name: shop, hosts: [shop.test], upstreams: ['SHOP']}\n";

    private static RampartConfig config(String sites, TestOrigin news, TestOrigin shop) throws Exception {
        return new ConfigLoader().parse((HEAD + "sites:\n" + sites).replace("NEWS", news.url()).replace("SHOP", shop.url()), "next.yml");
    }

    @Test
    void addedSite_servesAtOnce_andASiteThatMovedKeepsItsBucketsAndRules() throws Exception {
        try (TestOrigin news = new TestOrigin(); TestOrigin shop = new TestOrigin();
             GatewayFixture gw = GatewayFixture.start((HEAD + "sites:\n" + NEWS).replace("NEWS", news.url()), news.url())) {
            String rule = gw.gateway.detection().addRule("news", Map.of("path", "/blocked"), MitigationStep.BLOCK, null, "tester");
            try (RawHttp c = new RawHttp(gw.port())) {
                assertThat(c.get("news.test", "/blocked").status()).as("the operator's rule").isEqualTo(403);
                assertThat(c.get("news.test", "/a").status()).isEqualTo(200);
                assertThat(c.get("news.test", "/b").status()).isEqualTo(200);
                assertThat(c.get("news.test", "/c").status()).as("burst of 3 spent").isEqualTo(429);
            }
            int newsSlot = gw.gateway.metrics().siteSlot("news");

            gw.gateway.reload(config(SHOP + NEWS, news, shop)); // the new site goes first: news moves to second place

            assertThat(gw.gateway.metrics().siteSlot("news")).as("a site's counters stay its own").isEqualTo(newsSlot);
            try (RawHttp c = new RawHttp(gw.port())) {
                assertThat(c.get("shop.test", "/blocked").status()).as("the new site is routed, and news' rule is not applied to it")
                        .isEqualTo(200);
                assertThat(shop.requests.get()).isEqualTo(1);
                assertThat(c.get("news.test", "/d").status()).as("news kept its spent bucket").isEqualTo(429);
            }
            try (RawHttp other = new RawHttp("127.0.0.2", gw.port())) {
                assertThat(other.get("news.test", "/blocked").status()).as("news kept its rule (another client, a full bucket)")
                        .isEqualTo(403);
                assertThat(other.get("news.test", "/e").status()).isEqualTo(200);
            }
            assertThat(gw.gateway.detection().view()).extracting(v -> v.site()).containsExactly("shop", "news");
            assertThat(gw.gateway.metrics().scrape()).contains("rampart_requests_total{site=\"shop\",verdict=\"allow\"} 1.0");
            assertThat(gw.gateway.detection().removeRule(rule, "tester")).isTrue();
            IncidentRecord drill = gw.gateway.incidents().openByOperator("shop", "tester", "drill on the new site");
            assertThat(drill.site()).isEqualTo("shop");
        }
    }

    @Test
    void removedSite_isNoLongerRouted_itsIncidentCloses_andItComesBackWithItsOwnCounters() throws Exception {
        try (TestOrigin news = new TestOrigin(); TestOrigin shop = new TestOrigin();
             GatewayFixture gw = GatewayFixture.start((HEAD + "sites:\n" + NEWS + SHOP).replace("NEWS", news.url())
                     .replace("SHOP", shop.url()), news.url())) {
            try (RawHttp c = new RawHttp(gw.port())) {
                assertThat(c.get("shop.test", "/").status()).isEqualTo(200);
            }
            int shopSlot = gw.gateway.metrics().siteSlot("shop");
            String incident = gw.gateway.incidents().openByOperator("shop", "tester", "drill").id();

            gw.gateway.reload(config(NEWS, news, shop));

            IncidentRecord closed = gw.gateway.incidents().find(incident).orElseThrow();
            assertThat(closed.status()).isEqualTo(IncidentRecord.CLOSED);
            assertThat(closed.timeline()).anySatisfy(e -> assertThat(e.text()).contains("removed from the configuration"));
            try (RawHttp c = new RawHttp(gw.port())) {
                assertThat(c.get("shop.test", "/x").status()).as("no site has that host any more").isEqualTo(421);
                assertThat(c.get("news.test", "/x").status()).isEqualTo(200);
            }
            assertThat(shop.requests.get()).isEqualTo(1);
            assertThat(gw.gateway.sites()).extracting(Gateway.SiteStatus::name).containsExactly("news");

            gw.gateway.reload(config(NEWS + SHOP, news, shop));

            assertThat(gw.gateway.metrics().siteSlot("shop")).isEqualTo(shopSlot);
            try (RawHttp c = new RawHttp(gw.port())) {
                assertThat(c.get("shop.test", "/y").status()).isEqualTo(200);
            }
            await().atMost(Duration.ofSeconds(5)).until(() -> shop.requests.get() == 2);
            assertThat(gw.gateway.metrics().scrape()).as("the counter went on from where it was")
                    .contains("rampart_requests_total{site=\"shop\",verdict=\"allow\"} 2.0");
        }
    }

    @Test
    void aBrokenOrUnreloadableNewSite_isRefused_andTheRunningSitesStay() throws Exception {
        try (TestOrigin news = new TestOrigin(); TestOrigin shop = new TestOrigin();
             GatewayFixture gw = GatewayFixture.start((HEAD + "sites:\n" + NEWS).replace("NEWS", news.url()), news.url())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> config(NEWS + NEWS, news, shop))
                    .hasMessageContaining("sites[1].name").hasMessageContaining("used twice");
            // a new site in a reload that also needs a restart: nothing of it applies, the site included
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> gw.gateway.reload(new ConfigLoader().parse(
                            (HEAD.replace("127.0.0.1:0", "127.0.0.1:1") + "sites:\n" + NEWS + SHOP)
                                    .replace("NEWS", news.url()).replace("SHOP", shop.url()), "next.yml")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("listeners");
            assertThat(gw.gateway.sites()).extracting(Gateway.SiteStatus::name).containsExactly("news");
            try (RawHttp c = new RawHttp(gw.port())) {
                assertThat(c.get("news.test", "/still").status()).isEqualTo(200);
                assertThat(c.get("shop.test", "/not-yet").status()).isEqualTo(421);
            }
        }
    }

    @Test
    void turningTheKernelFirewallOnNeedsARestart_theReloadSaysSo() throws Exception {
        try (TestOrigin news = new TestOrigin();
             GatewayFixture gw = GatewayFixture.start((HEAD + "sites:\n" + NEWS).replace("NEWS", news.url()), news.url())) {
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> gw.gateway.reload(new ConfigLoader().parse(
                            (HEAD + "firewall: {enabled: true}\nsites:\n" + NEWS).replace("NEWS", news.url()), "next.yml")))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("firewall");
            assertThat(gw.gateway.firewall()).isNull();
            try (RawHttp c = new RawHttp(gw.port())) {
                assertThat(c.get("news.test", "/still").status()).isEqualTo(200);
            }
        }
    }

    @Test
    void detectionAndAdmissionTuning_reloadInPlace_butTheDetectorsTickNeedsARestart() throws Exception {
        try (TestOrigin news = new TestOrigin(); TestOrigin shop = new TestOrigin();
             GatewayFixture gw = GatewayFixture.start((HEAD + "sites:\n" + NEWS).replace("NEWS", news.url()), news.url())) {
            assertThat(gw.gateway.sites().get(0).admissionLimit()).isGreaterThan(7);
            String applied = gw.gateway.reload(new ConfigLoader().parse((HEAD + "detection: {shadow: true, maxStep: block, surgeFactor: 5}\n"
                    + "admission: {initialLimit: 5, minLimit: 2, maxLimit: 7, queueSize: 50}\nsites:\n" + NEWS).replace("NEWS", news.url()), "next.yml"));
            assertThat(applied).isEqualTo("1 site");
            assertThat(gw.gateway.sites().get(0).admissionLimit()).as("the adaptive limit inside the new bounds").isEqualTo(7);
            org.assertj.core.api.Assertions.assertThatThrownBy(() -> gw.gateway.reload(new ConfigLoader().parse(
                            (HEAD + "detection: {tick: 2s}\nsites:\n" + NEWS).replace("NEWS", news.url()), "next.yml")))
                    .isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("detection.tick").hasMessageNotContaining("detection.shadow");
        }
    }

    @Test
    void anHttp2ConnectionOpenDuringAReload_finishesItsStreams_isToldToGoAway_andItsNextRequestMeetsTheNewSites() throws Exception {
        String h2 = HEAD.replace("  - address: 127.0.0.1:0\n", "  - {address: '127.0.0.1:0', h2c: true}\n");
        try (TestOrigin news = new TestOrigin(); TestOrigin shop = new TestOrigin();
             GatewayFixture gw = GatewayFixture.start((h2 + "sites:\n" + SHOP).replace("SHOP", shop.url()), shop.url())) {
            Path script = Path.of(SitesReloadTest.class.getResource("/clients/h2_across_reload.py").toURI());
            Process client = new ProcessBuilder("/usr/bin/python3", script.toString(), String.valueOf(gw.port()), "shop.test")
                    .redirectErrorStream(true).start();
            BufferedReader out = new BufferedReader(new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
            assertThat(out.readLine()).isEqualTo("{\"first\": 200}");
            Process slow = new ProcessBuilder("curl", "-s", "--http2-prior-knowledge", "--max-time", "10", "-o", "-", "-w", " %{http_code}",
                    "-H", "Host: shop.test", "http://127.0.0.1:" + gw.port() + "/slow?ms=1500").redirectErrorStream(true).start();
            await().atMost(Duration.ofSeconds(5)).until(() -> shop.slowInFlight.get() == 1);
            RawHttp silent = new RawHttp(gw.port()); // connected, but has not said which protocol it speaks yet

            gw.gateway.reload(new ConfigLoader().parse((h2 + "sites:\n" + NEWS).replace("NEWS", news.url()), "next.yml"));
            client.getOutputStream().write('\n');
            client.getOutputStream().flush();
            String after = out.readLine();
            assertThat(client.waitFor(10, TimeUnit.SECONDS)).isTrue();

            assertThat(after).as("GOAWAY(NO_ERROR): the client opens a new connection for its next request")
                    .contains("\"goaway\": 0").contains("\"second\": null");
            assertThat(slow.waitFor(10, TimeUnit.SECONDS)).isTrue();
            assertThat(new String(slow.getInputStream().readAllBytes(), StandardCharsets.UTF_8))
                    .as("a stream in flight during the reload finishes on its connection").isEqualTo("slow 1500 200");
            assertThat(shop.requests.get()).as("nothing more reached the removed site's origin").isEqualTo(2);
            try (silent) {
                assertThat(silent.get("shop.test", "/late").status()).as("a connection that spoke only after the reload gets the new sites")
                        .isEqualTo(421);
            }
            try (RawHttp c = new RawHttp(gw.port())) {
                assertThat(c.get("shop.test", "/again").status()).isEqualTo(421);
                assertThat(c.get("news.test", "/now").status()).isEqualTo(200);
            }
        }
    }
}

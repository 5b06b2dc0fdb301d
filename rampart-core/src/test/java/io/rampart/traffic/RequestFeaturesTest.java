package io.rampart.traffic;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RequestFeaturesTest {
    private final FeatureHasher hasher = new FeatureHasher(1234);

    private static HttpRequest head(String uri, String... headers) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, uri);
        for (int i = 0; i < headers.length; i += 2) {
            r.headers().add(headers[i], headers[i + 1]);
        }
        return r;
    }

    private RequestFeatures of(String ip, HttpRequest r) {
        return new RequestFeatures(hasher).fill(ClientAddress.parse(ip), r, r.uri());
    }

    @Test
    void fingerprint_separatesABotCopyingABrowsersUserAgent_fromTheBrowser() {
        String ua = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0";
        RequestFeatures browser = of("10.0.0.1", head("/", "Host", "a", "User-Agent", ua, "Accept", "text/html", "Accept-Language", "en"));
        RequestFeatures bot = of("10.0.0.2", head("/", "Host", "a", "User-Agent", ua, "Accept", "*/*"));
        RequestFeatures reordered = of("10.0.0.3", head("/", "User-Agent", ua, "Host", "a", "Accept", "text/html", "Accept-Language", "en"));
        assertThat(bot.value(Dimension.USER_AGENT)).isEqualTo(browser.value(Dimension.USER_AGENT));
        assertThat(bot.value(Dimension.FINGERPRINT)).isNotEqualTo(browser.value(Dimension.FINGERPRINT));
        assertThat(reordered.value(Dimension.FINGERPRINT)).as("header order counts").isNotEqualTo(browser.value(Dimension.FINGERPRINT));
        RequestFeatures sameBrowserOtherPage = of("10.0.0.9", head("/x", "host", "a", "user-agent", ua, "accept", "text/html", "accept-language", "en"));
        assertThat(sameBrowserOtherPage.value(Dimension.FINGERPRINT)).as("name case does not").isEqualTo(browser.value(Dimension.FINGERPRINT));
    }

    @Test
    void pathFoldsDigits_andQueryKeepsNamesAndKindsOfValues() {
        assertThat(of("10.0.0.1", head("/article/17")).value(Dimension.PATH))
                .isEqualTo(of("10.0.0.1", head("/article/4242")).value(Dimension.PATH))
                .isNotEqualTo(of("10.0.0.1", head("/articles/17")).value(Dimension.PATH));
        long randomSearch = of("10.0.0.1", head("/search?q=x7f3k9q2ab")).value(Dimension.QUERY);
        assertThat(of("10.0.0.1", head("/search?q=a81kd93jd0")).value(Dimension.QUERY)).isEqualTo(randomSearch);
        assertThat(of("10.0.0.1", head("/search?q=volunteers+near+me")).value(Dimension.QUERY)).isNotEqualTo(randomSearch);
        assertThat(of("10.0.0.1", head("/search?page=2")).value(Dimension.QUERY)).isNotEqualTo(randomSearch);
        assertThat(RequestFeatures.queryDescription("/search?q=x7f3k9q2ab&page=2&empty="))
                .isEqualTo("q={random}&page={number}&empty=");
    }

    @Test
    void networks_groupAddressesBySlash24AndSlash16_andIpv6BySlash64AndSlash48() {
        RequestFeatures a = of("198.51.100.7", head("/"));
        RequestFeatures b = of("198.51.100.200", head("/"));
        RequestFeatures c = of("198.51.7.1", head("/"));
        assertThat(a.value(Dimension.NETWORK)).isEqualTo(b.value(Dimension.NETWORK)).isNotEqualTo(c.value(Dimension.NETWORK));
        assertThat(a.value(Dimension.WIDE_NETWORK)).isEqualTo(c.value(Dimension.WIDE_NETWORK));
        RequestFeatures v6a = of("2001:db8:1:2::1", head("/"));
        RequestFeatures v6b = of("2001:db8:1:2:ffff::9", head("/"));
        RequestFeatures v6c = of("2001:db8:1:3::1", head("/"));
        assertThat(v6a.value(Dimension.NETWORK)).isEqualTo(v6b.value(Dimension.NETWORK)).isNotEqualTo(v6c.value(Dimension.NETWORK));
        assertThat(v6a.value(Dimension.WIDE_NETWORK)).isEqualTo(v6c.value(Dimension.WIDE_NETWORK));
        assertThat(Networks.describe(ClientAddress.parse("2001:db8:1:2::1"), false)).isEqualTo("2001:db8:1:2::/64");
        assertThat(Networks.describe(ClientAddress.parse("198.51.100.7"), true)).isEqualTo("198.51.0.0/16");
    }

    /**
     * An attacker who could compute the hash could craft a path that collides with the home page,
     * so that a rule against their path would seem to hit every reader. Collisions found under one
     * key are not collisions under another: without the installation's key they cannot be aimed.
     */
    @Test
    void collisionsFoundUnderOneKey_areNotCollisionsUnderAnother() {
        FeatureHasher attackersGuess = new FeatureHasher(1);
        FeatureHasher installation = new FeatureHasher(0x5eed5eed5eedL);
        // find paths colliding with "/" in the low 20 bits under the guessed key (what a sketch row would index by)
        long target = attackersGuess.hash("/") & 0xFFFFF;
        int found = 0;
        int stillColliding = 0;
        for (int i = 0; found < 20; i++) {
            String path = "/p" + i;
            if ((attackersGuess.hash(path) & 0xFFFFF) == target) {
                found++;
                if ((installation.hash(path) & 0xFFFFF) == (installation.hash("/") & 0xFFFFF)) {
                    stillColliding++;
                }
            }
        }
        assertThat(stillColliding).isZero();
    }

    @Test
    void distinctCounter_estimatesWithinAFewPercent_inFixedMemory() {
        DistinctCounter c = new DistinctCounter();
        FeatureHasher h = new FeatureHasher(9);
        for (long i = 0; i < 1_000_000; i++) {
            c.add(h.hash(i));
            c.add(h.hash(i)); // duplicates do not count
        }
        assertThat((double) c.estimate()).isCloseTo(1_000_000, org.assertj.core.data.Percentage.withPercentage(5));
        c.clear();
        for (long i = 0; i < 100; i++) {
            c.add(h.hash(i));
        }
        assertThat(c.estimate()).isBetween(95L, 105L);
    }

    @Test
    void recorder_samplesWholeRequests_andDrainsEachTickOnce() {
        TrafficRecorder r = new TrafficRecorder();
        Map<Long, Integer> seen = new HashMap<>();
        for (int i = 0; i < 100; i++) {
            RequestFeatures f = of("10.0." + (i % 3) + ".1", head(i % 2 == 0 ? "/a" : "/b"));
            r.record(f, i % 10 == 0 ? TrafficRecorder.KNOWN : 0);
        }
        r.originAnswered(200, 2_000_000);
        r.originAnswered(503, 4_000_000);
        TrafficRecorder.Tick t = new TrafficRecorder.Tick();
        r.drain(t);
        assertThat(t.requests).isEqualTo(100);
        assertThat(t.known).isEqualTo(10);
        assertThat(t.sampled).isEqualTo(100);
        assertThat(t.distinctSources).isEqualTo(3);
        assertThat(t.originAnswers).isEqualTo(2);
        assertThat(t.originErrors).isEqualTo(1);
        assertThat(t.originMicros).isEqualTo(6000);
        for (int i = 0; i < t.sampled; i++) {
            seen.merge(t.value(i, Dimension.PATH.ordinal()), 1, Integer::sum);
        }
        assertThat(seen.values()).containsExactlyInAnyOrder(50, 50);
        assertThat(t.describe(1, Dimension.PATH)).isIn("/a", "/b");
        assertThat(t.describe(1, Dimension.NETWORK)).startsWith("10.0.");
        r.drain(t);
        assertThat(t.requests).isZero();
        assertThat(t.sampled).isZero();
    }

    @Test
    void recorder_underAFlood_keepsASampleThatFitsItsRing() {
        TrafficRecorder r = new TrafficRecorder();
        TrafficRecorder.Tick t = new TrafficRecorder.Tick();
        RequestFeatures f = of("10.0.0.1", head("/"));
        for (int tick = 0; tick < 6; tick++) {
            for (int i = 0; i < 50_000; i++) {
                r.record(f, 0);
            }
            r.drain(t);
            assertThat(t.requests).isEqualTo(50_000);
            assertThat(t.sampled).isLessThanOrEqualTo(TrafficRecorder.SLOTS);
        }
        assertThat(t.sampleShift).as("sampling one in 2^shift").isGreaterThanOrEqualTo(3);
        assertThat(t.scale()).isGreaterThan(4);
    }

    @Test
    void recorder_keepsFewHeads_yetDescribesEverySamplesFingerprint_fromAnotherWithTheSamePrint() {
        TrafficRecorder r = new TrafficRecorder();
        for (int i = 0; i < 400; i++) {
            HttpRequest h = i % 2 == 0
                    ? head("/", "User-Agent", "curl/8.0", "Accept", "*/*")
                    : head("/", "Accept", "text/html", "Accept-Language", "fr", "User-Agent", "Mozilla/5.0");
            r.record(of("10.0." + (i / 200) + "." + (i % 200), h), 0);
        }
        r.record(of("10.0.9.1", head("/", "X-Odd", "1")), 0); // a print sampled once
        TrafficRecorder.Tick t = new TrafficRecorder.Tick();
        r.drain(t);
        int kept = 0;
        for (int i = 0; i < t.sampled; i++) {
            kept += t.heads[i] != null ? 1 : 0;
        }
        assertThat(kept).as("heads kept, about one in " + TrafficRecorder.HEAD_EVERY).isBetween(10, 110);
        for (int i = 0; i < 400; i++) {
            assertThat(t.describe(i, Dimension.FINGERPRINT)).isEqualTo(i % 2 == 0
                    ? "HTTP/1.1 user-agent,accept accept=*/*"
                    : "HTTP/1.1 accept,accept-language,user-agent accept=text/html accept-language=fr");
            assertThat(t.describe(i, Dimension.METHOD)).isEqualTo("GET");
        }
        assertThat(t.describe(400, Dimension.FINGERPRINT)).isEqualTo(t.heads[400] != null
                ? "HTTP/1.1 x-odd accept=-"
                : "fingerprint " + Long.toHexString(t.value(400, Dimension.FINGERPRINT.ordinal())));
    }
}

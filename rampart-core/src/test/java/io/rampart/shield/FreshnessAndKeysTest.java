package io.rampart.shield;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class FreshnessAndKeysTest {
    private static Freshness of(String cacheControl) {
        HttpHeaders h = new DefaultHttpHeaders();
        if (cacheControl != null) {
            h.set("cache-control", cacheControl);
        }
        return Freshness.of(h);
    }

    @Test
    void onlyExplicitlyCacheableResponses_areStored() {
        assertThat(of("public, max-age=60").ttlNanos()).isEqualTo(60_000_000_000L);
        assertThat(of("max-age=10, s-maxage=30").ttlNanos()).as("s-maxage is for shared caches").isEqualTo(30_000_000_000L);
        assertThat(of("max-age=5, stale-while-revalidate=30, stale-if-error=600"))
                .isEqualTo(new Freshness(5_000_000_000L, 30_000_000_000L, 600_000_000_000L));
        assertThat(of("max-age=0, stale-if-error=60")).isNotNull();
        for (String no : new String[] {null, "", "public", "private, max-age=60", "max-age=60, no-store", "no-cache, max-age=5",
                "max-age=0", "max-age=abc", "max-age=-5", "max-age="}) {
            assertThat(of(no)).as(String.valueOf(no)).isNull();
        }
        assertThat(of("max-age=99999999999999").ttlNanos()).as("capped at a day").isEqualTo(Freshness.MAX_SECONDS * 1_000_000_000L);
        assertThat(of("max-age=\"20\"").ttlNanos()).isEqualTo(20_000_000_000L);
    }

    @Test
    void keys_ignoreTrackingParams_sortTheRest_andKeepThePath() {
        CacheKeys k = new CacheKeys(List.of("utm_*", "fbclid"));
        assertThat(k.of("Example.org", "/news?b=2&a=1", false)).isEqualTo("example.org /news?a=1&b=2");
        assertThat(k.of("example.org", "/news?a=1&utm_source=mail&UTM_medium=x&fbclid=abc&b=2", false))
                .isEqualTo(k.of("example.org", "/news?b=2&a=1", false));
        assertThat(k.of("example.org", "/news?utm_source=x", false)).isEqualTo("example.org /news");
        assertThat(k.of("example.org", "/news", false)).isNotEqualTo(k.of("example.org", "/news2", false));
        assertThat(k.of("a.example", "/", false)).isNotEqualTo(k.of("b.example", "/", false));
    }

    @Test
    void underPressure_unknownAndRandomLookingParams_areLeftOut_knownOnesKept() {
        CacheKeys k = new CacheKeys(List.of());
        for (String meaningful : new String[] {"page=2", "q=newsletter", "date=2026-11-23", "lang=fr", "topic=climate2026"}) {
            String key = k.of("h", "/list?" + meaningful, false);
            for (int i = 0; i < KnownParams.SEEN; i++) {
                k.learn(key); // stored pages of /list used these names
            }
            assertThat(k.of("h", "/list?" + meaningful, true)).as(meaningful).isEqualTo("h /list?" + meaningful);
        }
        assertThat(k.of("h", "/list?page=3&x7gq2lpa9z", true)).as("a lower-case buster with few switches").isEqualTo("h /list?page=3");
        assertThat(k.of("h", "/list?page=Qw8eR4tY2uZ", true)).as("a known name, a random value").isEqualTo("h /list");
        assertThat(k.of("h", "/?x7Gq2LpA9z", true)).isEqualTo("h /");
        assertThat(k.of("h", "/?_=1700000000000", true)).as("jQuery's timestamp buster").isEqualTo("h /");
        assertThat(k.of("h", "/?x7Gq2LpA9z", false)).as("without pressure every parameter counts").isEqualTo("h /?x7Gq2LpA9z");
    }

    @Test
    void aBusterSeenOnce_neverBecomesKnown_andAPathCountsAtMost64Names() {
        CacheKeys k = new CacheKeys(List.of());
        for (int i = 0; i < 1000; i++) {
            k.learn("h /?r" + i);
        }
        assertThat(k.of("h", "/?r5", true)).isEqualTo("h /");
        for (int i = 0; i < 3; i++) {
            k.learn("h /?late=1");
        }
        assertThat(k.of("h", "/?late=1", true)).as("the path's name budget is spent on busters").isEqualTo("h /");
    }

    @Test
    void randomLookingTokens() {
        assertThat(CacheKeys.looksRandom("aB3dE5gH7j")).isTrue();
        assertThat(CacheKeys.looksRandom("5f3a9c1e7b2d")).isTrue();
        assertThat(CacheKeys.looksRandom("550e8400-e29b-41d4-a716-446655440000")).isTrue();
        assertThat(CacheKeys.looksRandom("newsletter")).isFalse();
        assertThat(CacheKeys.looksRandom("2026-11-23")).isFalse();
        assertThat(CacheKeys.looksRandom("climate2026")).isFalse();
    }
}

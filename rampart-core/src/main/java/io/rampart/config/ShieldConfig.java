package io.rampart.config;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

/**
 * The origin shield: a small cache in front of every site's origins for anonymous, cacheable
 * {@code GET}s, with request coalescing, {@code stale-while-revalidate}, {@code stale-if-error}
 * and snapshots of key pages served when the origin is down.
 *
 * @param enabled          whether the shield runs at all (it only ever stores what the origin marks
 *                         {@code public} or gives a {@code max-age}/{@code s-maxage}, and never a response that sets a cookie)
 * @param maxSize          memory for cached responses, all sites together
 * @param maxObjectSize    larger responses are passed through, never stored
 * @param ignoreParams     query parameters left out of the cache key (tracking tags); {@code name*} matches a prefix
 * @param randomParams     when parameters that look random (cache busters) are left out of the key:
 *                         {@code under-pressure} (while the site's origin slots are all taken, and 30 s after), {@code always}, {@code never}
 * @param snapshotInterval how often the snapshot pages of each site ({@code sites[].snapshot}) are fetched again
 * @param grace            how long after it went stale a stored page may still be served when the origin is
 *                         failing or saturated (Varnish's grace, nginx's {@code proxy_cache_use_stale}); 0 for never
 */
public record ShieldConfig(Boolean enabled, ByteSize maxSize, ByteSize maxObjectSize, List<String> ignoreParams,
                           RandomParams randomParams, Duration snapshotInterval, Duration grace) {

    /** When random-looking query parameters are left out of the cache key. */
    public enum RandomParams {
        NEVER, UNDER_PRESSURE, ALWAYS;

        @com.fasterxml.jackson.annotation.JsonCreator
        public static RandomParams parse(String text) {
            for (RandomParams r : values()) {
                if (r.toString().equals(text.trim().toLowerCase(Locale.ROOT))) {
                    return r;
                }
            }
            throw new IllegalArgumentException("expected under-pressure, always or never, got '" + text + "'");
        }

        @com.fasterxml.jackson.annotation.JsonValue
        @Override
        public String toString() {
            return name().toLowerCase(Locale.ROOT).replace('_', '-');
        }
    }

    public static final List<String> DEFAULT_IGNORED_PARAMS = List.of(
            "utm_*", "fbclid", "gclid", "dclid", "msclkid", "mc_cid", "mc_eid", "_ga", "igshid", "ref_src");

    public static final ShieldConfig DEFAULT = new ShieldConfig(null, null, null, null, null, null, null);

    public ShieldConfig {
        enabled = enabled == null || enabled;
        maxSize = maxSize == null ? ByteSize.ofBytes(64L << 20) : maxSize;
        maxObjectSize = maxObjectSize == null ? ByteSize.ofBytes(1L << 20) : maxObjectSize;
        ignoreParams = ignoreParams == null ? DEFAULT_IGNORED_PARAMS : List.copyOf(ignoreParams);
        randomParams = randomParams == null ? RandomParams.UNDER_PRESSURE : randomParams;
        snapshotInterval = snapshotInterval == null ? Duration.ofSeconds(30) : snapshotInterval;
        grace = grace == null ? Duration.ofMinutes(10) : grace;
    }
}

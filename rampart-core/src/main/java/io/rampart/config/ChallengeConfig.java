package io.rampart.config;

import java.time.Duration;
import java.util.List;

/**
 * The proof-of-work challenge and the clearance it earns.
 *
 * @param secret            master secret the signing keys are derived from; share it between nodes (and
 *                          keep it across restarts) so clearances stay valid; omitted: random per process
 * @param keyRotation       how long one derived key signs; the previous key is still accepted for one period
 * @param clearanceLifetime how long a clearance cookie lets its browser through; at most {@code keyRotation}
 * @param difficulty        leading zero bits of SHA-256 asked of unknown clients (16 ≈ 65,000 hashes, at most 20);
 *                          clients already close to their rate limit are asked 2 bits more, up to 20
 * @param noScriptWait      how long a browser without JavaScript waits instead of working
 * @param cookieName        name of the clearance cookie
 * @param exemptPaths       path prefixes never challenged (they get rate limits only): feeds, APIs,
 *                          {@code /.well-known/}; paths ending in {@code .rss}, {@code .atom}, {@code .xml} never are either
 * @param verifiedBots      crawlers and monitors never challenged when both their user-agent and address match
 * @param contact           how to reach the site's operators, shown on the challenge and error pages
 */
public record ChallengeConfig(
        String secret,
        Duration keyRotation,
        Duration clearanceLifetime,
        Integer difficulty,
        Duration noScriptWait,
        String cookieName,
        List<String> exemptPaths,
        List<VerifiedBotConfig> verifiedBots,
        String contact) {

    public static final List<String> DEFAULT_EXEMPT_PATHS = List.of(
            "/.well-known/", "/robots.txt", "/favicon.ico", "/sitemap", "/api/", "/feed", "/rss", "/atom");

    public static final ChallengeConfig DEFAULT = new ChallengeConfig(null, null, null, null, null, null, null, null, null);

    public ChallengeConfig {
        keyRotation = keyRotation == null ? Duration.ofHours(24) : keyRotation;
        clearanceLifetime = clearanceLifetime == null ? Duration.ofHours(2) : clearanceLifetime;
        difficulty = difficulty == null ? 16 : difficulty;
        noScriptWait = noScriptWait == null ? Duration.ofSeconds(5) : noScriptWait;
        cookieName = cookieName == null ? "rampart_clearance" : cookieName;
        exemptPaths = exemptPaths == null ? DEFAULT_EXEMPT_PATHS : List.copyOf(exemptPaths);
        verifiedBots = verifiedBots == null ? List.of() : List.copyOf(verifiedBots);
    }
}

package io.rampart.challenge;

import io.rampart.config.ChallengeConfig;
import io.rampart.config.VerifiedBotConfig;
import io.rampart.mitigate.IpSet;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.PathPrefix;
import java.util.List;

/**
 * Which requests may be challenged at all. A challenge only helps a browser with a person in
 * front of it; feeds, APIs, {@code /.well-known/}, {@code robots.txt} and verified crawlers cannot
 * pass one, so they are never challenged and get rate limits instead. Allocation-free.
 */
public final class ChallengePolicy {
    private static final String[] FEED_SUFFIXES = {".rss", ".atom", ".xml"};

    private final String[] exemptPrefixes;
    private final String[] botAgents;
    private final IpSet[] botNetworks;

    public ChallengePolicy(ChallengeConfig config) {
        this.exemptPrefixes = config.exemptPaths().toArray(new String[0]);
        List<VerifiedBotConfig> bots = config.verifiedBots();
        this.botAgents = new String[bots.size()];
        this.botNetworks = new IpSet[bots.size()];
        for (int i = 0; i < bots.size(); i++) {
            botAgents[i] = bots.get(i).userAgent();
            botNetworks[i] = IpSet.parse(bots.get(i).networks());
        }
    }

    /** Whether a request for {@code target} (path and query) from this client must never be challenged. */
    public boolean exempt(String target, CharSequence userAgent, ClientAddress client) {
        for (String p : exemptPrefixes) {
            if (PathPrefix.covers(p, target)) {
                return true;
            }
        }
        int end = target.indexOf('?');
        if (end < 0) {
            end = target.length();
        }
        for (String s : FEED_SUFFIXES) {
            if (target.regionMatches(true, end - s.length(), s, 0, s.length())) {
                return true;
            }
        }
        return verifiedBot(userAgent, client);
    }

    /** Both the user-agent and the address match a configured bot. */
    public boolean verifiedBot(CharSequence userAgent, ClientAddress client) {
        if (userAgent == null) {
            return false;
        }
        for (int i = 0; i < botAgents.length; i++) {
            if (containsIgnoreCase(userAgent, botAgents[i]) && botNetworks[i].contains(client)) {
                return true;
            }
        }
        return false;
    }

    static boolean containsIgnoreCase(CharSequence haystack, String needle) {
        String h = haystack.toString();
        int n = needle.length();
        for (int i = 0; i + n <= h.length(); i++) {
            if (h.regionMatches(true, i, needle, 0, n)) {
                return true;
            }
        }
        return false;
    }
}

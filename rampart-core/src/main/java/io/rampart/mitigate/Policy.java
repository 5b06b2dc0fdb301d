package io.rampart.mitigate;

import java.util.Arrays;

/**
 * Every site's {@link SitePolicy}, indexed like the sites. The data plane reads it through one
 * volatile reference per request; the control plane swaps in a new one each tick something changed.
 */
public final class Policy {
    private final SitePolicy[] sites;

    public Policy(SitePolicy[] sites) {
        this.sites = sites.clone();
    }

    /** A policy with nothing decided yet for {@code siteCount} sites. */
    public static Policy quiet(int siteCount) {
        SitePolicy[] s = new SitePolicy[siteCount];
        Arrays.fill(s, SitePolicy.QUIET);
        return new Policy(s);
    }

    public SitePolicy site(int index) {
        return index >= 0 && index < sites.length ? sites[index] : SitePolicy.QUIET;
    }
}

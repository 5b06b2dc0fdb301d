package io.rampart.detect;

import io.rampart.traffic.Dimension;

import io.rampart.traffic.TrafficRecorder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/** One site's tick as a {@link ControlListener} sees it: valid only during the call. */
public final class TickFacts {
    private final SiteControl site;
    private final Instant at;
    private final double seconds;

    TickFacts(SiteControl site, Instant at, double seconds) {
        this.site = site;
        this.at = at;
        this.seconds = seconds;
    }

    public String site() {
        return site.name;
    }

    public Instant at() {
        return at;
    }

    /** The tick's length in seconds. */
    public double seconds() {
        return seconds;
    }

    public SiteState state() {
        return site.state();
    }

    /**
     * Whether client software (a user agent, a header fingerprint) is common in the site's normal
     * traffic — at least {@value SignatureSearch#COMMON_SOFTWARE_SHARE} of it, the share from which
     * the detector never blocks on it alone — so that it must not be published as an indicator of
     * the attack: real visitors send it too. While the baseline knows too little to say, a
     * mainstream browser's user agent ({@code Mozilla/5.0 (…}) counts as common.
     */
    public boolean commonSoftware(Dimension d, long value, String text) {
        Baseline b = site.baseline;
        if (!b.knowsEnough()) {
            return d == Dimension.USER_AGENT && text != null && text.startsWith("Mozilla/5.0 (");
        }
        return b.share(d.ordinal(), value) >= SignatureSearch.COMMON_SOFTWARE_SHARE;
    }

    /** What was recorded this tick (reused by the next tick: read it now). */
    public TrafficRecorder.Tick traffic() {
        return site.tick;
    }

    /** The rules in force (allocates). */
    public List<SiteView.RuleView> rules() {
        List<SiteView.RuleView> out = new ArrayList<>();
        for (RuleBook.Live l : site.book.live()) {
            out.add(new SiteView.RuleView(l.id, l.step.id(), l.rule.shadow(), l.signature.describe(), l.rate, l.totalHits,
                    l.signature.collateral(), l.recalledFrom));
        }
        return out;
    }
}

package io.rampart.proxy;

import io.rampart.admission.AdmissionGate;
import io.rampart.mitigate.SiteLimits;
import io.rampart.traffic.PathPrefix;
import io.rampart.traffic.TrafficRecorder;

/**
 * A protected site as the data plane sees it: its index (for metrics arrays), origins, and limits
 * per path prefix, longest prefix first; whether it challenges unknown clients; its admission gate;
 * the recorder the control plane reads its traffic from.
 */
final class Site {
    private final String name;
    private final int index;
    private final UpstreamGroup upstreams;
    private final SiteLimits limits;
    private final String[] routePrefixes;
    private final SiteLimits[] routeLimits;
    private volatile boolean underAttack;
    private final AdmissionGate admission;
    private final TrafficRecorder recorder;
    private io.rampart.config.HttpsConfig https = io.rampart.config.HttpsConfig.NONE;
    /** Rampart's own pages with the site's name and contact (null: the generic ones). */
    private ErrorResponses pages;

    Site(String name, int index, UpstreamGroup upstreams, SiteLimits limits, String[] routePrefixes, SiteLimits[] routeLimits,
         boolean underAttack, AdmissionGate admission, TrafficRecorder recorder) {
        this.recorder = recorder;
        this.underAttack = underAttack;
        this.admission = admission;
        this.name = name;
        this.index = index;
        this.upstreams = upstreams;
        this.limits = limits;
        this.routePrefixes = routePrefixes;
        this.routeLimits = routeLimits;
    }

    String name() {
        return name;
    }

    int index() {
        return index;
    }

    /** Every unknown client is challenged (the under-attack switch). */
    boolean underAttack() {
        return underAttack;
    }

    /** The site's HTTPS policy: redirect plain HTTP, HSTS. */
    io.rampart.config.HttpsConfig https() {
        return https;
    }

    /** The site's own error pages, or null for the generic ones. */
    ErrorResponses pages() {
        return pages;
    }

    Site pages(ErrorResponses p) {
        this.pages = p;
        return this;
    }

    Site https(io.rampart.config.HttpsConfig h) {
        this.https = h;
        return this;
    }

    /** Turns the under-attack switch on or off (the admin API). */
    void underAttack(boolean on) {
        underAttack = on;
    }

    /** The gate in front of this site's origins, or {@code null} when admission control is off. */
    AdmissionGate admission() {
        return admission;
    }

    /** Where this site's requests are recorded for the control plane. */
    TrafficRecorder recorder() {
        return recorder;
    }

    UpstreamGroup upstreams() {
        return upstreams;
    }

    /** Limits for a request path: the longest matching route prefix, else the site's. */
    SiteLimits limitsFor(String path) {
        String[] prefixes = routePrefixes;
        for (int i = 0; i < prefixes.length; i++) {
            if (PathPrefix.covers(prefixes[i], path)) {
                return routeLimits[i];
            }
        }
        return limits;
    }
}

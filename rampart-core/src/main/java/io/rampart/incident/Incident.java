package io.rampart.incident;

import io.rampart.geo.GeoLookup;
import io.rampart.geo.SourceOrigin;
import io.rampart.detect.SiteView;
import io.rampart.mitigate.Verdict;
import io.rampart.traffic.BulkResponses;
import io.rampart.traffic.Dimension;
import io.rampart.traffic.DistinctCounter;
import io.rampart.traffic.TrafficRecorder;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One incident while it is being recorded: running totals, peaks, the heaviest refused sources
 * and values, rules, the timeline. Owned by {@link Incidents} (under its lock); turned into an
 * {@link IncidentRecord} whenever it changes.
 *
 * <p>Figures come from two places: exact counts per tick (requests, refusals, known users, bytes)
 * and the recorder's sample of whole requests, where each refused sample stands for
 * {@code scale} requests. Tops are therefore estimates; totals are exact.
 */
final class Incident {
    static final int TIMELINE_MAX = 2_000;
    static final int BULK_MAX = 200;
    private static final int DESCRIBED_PER_TICK = 512;

    final String id;
    final String site;
    final Instant openedAt;
    final String openedBy;
    final boolean manual;
    final Before before;
    final String node;
    Instant attackStartedAt;
    Instant mitigatedAt;
    Instant closedAt;
    String closedBy;
    Instant calmSince;

    long requests;
    long refused;
    long known;
    long knownRefused;
    long knownAnswers;
    long knownErrors;
    long knownMicros;
    long anonymousResponses;
    long anonymousBytes;
    long knownBytes;
    double seconds;
    double peakRps;
    Instant peakAt;
    long peakSources;
    final DistinctCounter refusedSources = new DistinctCounter();
    final TopCounts sources = new TopCounts(512);
    final TopCounts networks = new TopCounts(256);
    /** Every sampled request's network, refused or not: what share of a network's traffic was refused. */
    final TopCounts networkTraffic = new TopCounts(1024);
    final IncidentSeries series = new IncidentSeries();
    final TopCounts userAgents = new TopCounts(256);
    /** Refused traffic's user agents that are common in normal traffic too (never indicators), at most 256. */
    final java.util.Set<String> commonUserAgents = new java.util.LinkedHashSet<>();
    final TopCounts fingerprints = new TopCounts(128);
    final TopCounts paths = new TopCounts(256);
    final TopCounts autonomousSystems = new TopCounts(256);
    final TopCounts countries = new TopCounts(128);
    private final GeoLookup geo;
    final long[] verdictsAtOpen;
    long[] verdictsNow;
    final long slowAtOpen;
    long slowNow;
    final long connRefusedAtOpen;
    long connRefusedNow;
    final long kernelAtOpen;
    long kernelNow;
    final Set<String> vectors = new LinkedHashSet<>();
    final Map<String, IncidentRecord.RuleSummary> rules = new LinkedHashMap<>();
    final List<IncidentRecord.Bulk> bulk = new ArrayList<>();
    boolean bulkTruncated;
    final List<IncidentRecord.TimelineEntry> timeline = new ArrayList<>();
    int timelineDropped;
    final long bulkThreshold;

    /** What normal looked like before the incident (null fields: not known yet). */
    record Before(Double requestsPerSecond, Double knownErrorRate, Double knownLatencyMs, Double anonymousBytesPerSecond) {
    }

    Incident(String id, String site, Instant openedAt, String openedBy, boolean manual, Before before, String node,
             GatewayCounters counters, int siteIndex, long bulkThreshold, GeoLookup geo) {
        this.id = id;
        this.geo = geo;
        this.site = site;
        this.openedAt = openedAt;
        this.openedBy = openedBy;
        this.manual = manual;
        this.before = before;
        this.node = node;
        this.bulkThreshold = bulkThreshold;
        this.verdictsAtOpen = counters.verdicts(siteIndex);
        this.verdictsNow = verdictsAtOpen.clone();
        this.slowAtOpen = counters.slowClientsClosed();
        this.slowNow = slowAtOpen;
        this.connRefusedAtOpen = counters.connectionsRejected();
        this.connRefusedNow = connRefusedAtOpen;
        this.kernelAtOpen = counters.droppedInKernel();
        this.kernelNow = kernelAtOpen;
    }

    void note(Instant at, String kind, String text) {
        if (timeline.size() >= TIMELINE_MAX) {
            timelineDropped++;
            return;
        }
        timeline.add(new IncidentRecord.TimelineEntry(at, kind, text));
    }

    /** Adds one tick of traffic. */
    void add(Instant at, double tickSeconds, TrafficRecorder.Tick t, List<SiteView.RuleView> live,
             GatewayCounters counters, int siteIndex) {
        add(at, tickSeconds, t, live, counters, siteIndex, (d, v, text) -> false);
    }

    /** Whether client software is common in normal traffic ({@code TickFacts.commonSoftware}). */
    interface CommonSoftware {
        boolean test(Dimension d, long value, String text);
    }

    /** Share of a network's sampled traffic that must have been refused for it to be an indicator. */
    static final double INDICATOR_REFUSED_SHARE = 0.9;

    /** Which of the refused {@code top} networks were also served a fair share of their traffic (not indicators). */
    private List<String> mixed(List<IncidentRecord.Count> top) {
        List<String> out = new ArrayList<>();
        for (IncidentRecord.Count c : top) {
            long all = networkTraffic.count(c.value());
            if (all > 0 && c.requests() < INDICATOR_REFUSED_SHARE * all) {
                out.add(c.value());
            }
        }
        return out;
    }

    /** Which of {@code top} real visitors send too. */
    private List<String> commonAmong(List<IncidentRecord.Count> top) {
        List<String> out = new ArrayList<>();
        for (IncidentRecord.Count c : top) {
            if (commonUserAgents.contains(c.value())) {
                out.add(c.value());
            }
        }
        return out;
    }

    /** Adds one tick of traffic; {@code common} says which refused user agents real visitors send too. */
    void add(Instant at, double tickSeconds, TrafficRecorder.Tick t, List<SiteView.RuleView> live,
             GatewayCounters counters, int siteIndex, CommonSoftware common) {
        this.common = common;
        seconds += tickSeconds;
        requests += t.requests;
        refused += t.refused;
        known += t.known;
        knownRefused += t.knownRefused;
        knownAnswers += t.knownAnswers;
        knownErrors += t.knownErrors;
        knownMicros += t.knownMicros;
        anonymousResponses += t.anonymousResponses;
        anonymousBytes += t.anonymousBytes;
        knownBytes += t.knownBytes;
        double rps = t.requests / tickSeconds;
        if (rps > peakRps) {
            peakRps = rps;
            peakAt = at;
        }
        peakSources = Math.max(peakSources, t.distinctSources);
        series.add(at.toEpochMilli(), Math.round(tickSeconds * 1000), t.requests, t.refused, t.known, t.knownRefused + t.knownErrors,
                t.knownAnswers, t.knownMicros, t.distinctSources);
        if (mitigatedAt == null && attackStartedAt != null && t.requests > 0 && t.refused * 2 >= t.requests) {
            mitigatedAt = at;
        }
        describeRefused(t);
        for (BulkResponses.Bulk b : t.bulk) {
            if (bulk.size() >= BULK_MAX) {
                bulkTruncated = true;
                break;
            }
            bulk.add(new IncidentRecord.Bulk(Instant.ofEpochMilli(b.epochMillis()), b.client(), b.target(), b.bytes(), b.status()));
        }
        for (SiteView.RuleView r : live) {
            IncidentRecord.RuleSummary old = rules.get(r.id());
            String highest = old == null || stepRank(r.step()) > stepRank(old.highestStep()) ? r.step() : old.highestStep();
            rules.put(r.id(), new IncidentRecord.RuleSummary(r.id(), r.conditions(), highest,
                    old == null ? at : old.firstAt(), at, r.matchedTotal()));
            vectorsOf(r.conditions());
        }
        verdictsNow = counters.verdicts(siteIndex);
        slowNow = counters.slowClientsClosed();
        connRefusedNow = counters.connectionsRejected();
        kernelNow = counters.droppedInKernel();
        if (slowNow - slowAtOpen >= 20) {
            vectors.add("slow connections (slowloris-style)");
        }
        if (connRefusedNow - connRefusedAtOpen >= 100) {
            vectors.add("connection flood");
        }
    }

    private CommonSoftware common = (d, v, text) -> false;

    private void describeRefused(TrafficRecorder.Tick t) {
        double scale = t.scale();
        int step = Math.max(1, t.sampled / DESCRIBED_PER_TICK);
        for (int i = 0; i < t.sampled; i += step) {
            double w = scale * step;
            if ((t.flags(i) & TrafficRecorder.REFUSED) == 0) {
                networkTraffic.add(t.describe(i, Dimension.NETWORK), w);
                continue;
            }
            networkTraffic.add(t.describe(i, Dimension.NETWORK), w);
            refusedSources.add(t.value(i, Dimension.CLIENT.ordinal()));
            sources.add(t.describe(i, Dimension.CLIENT), w);
            networks.add(t.describe(i, Dimension.NETWORK), w);
            String ua = t.describe(i, Dimension.USER_AGENT);
            userAgents.add(ua, w);
            if (commonUserAgents.size() < 256 && !commonUserAgents.contains(ua)
                    && common.test(Dimension.USER_AGENT, t.value(i, Dimension.USER_AGENT.ordinal()), ua)) {
                commonUserAgents.add(ua);
            }
            fingerprints.add(t.describe(i, Dimension.FINGERPRINT), w);
            paths.add(t.describe(i, Dimension.PATH), w);
            if (geo.enabled()) {
                SourceOrigin o = geo.lookup(t.client(i).inetAddress());
                if (o.asn() != null) {
                    autonomousSystems.add(o.asLabel(), w);
                }
                if (o.country() != null) {
                    countries.add(o.country(), w);
                }
            }
        }
    }

    private void vectorsOf(String conditions) {
        String c = conditions.toLowerCase(java.util.Locale.ROOT);
        if (c.contains("query")) {
            vectors.add("cache-busting (random query strings)");
        }
        if (c.contains("method") && c.contains("post")) {
            vectors.add("POST flood (log-in, search or form endpoints)");
        }
        if (c.contains("network")) {
            vectors.add("flood concentrated in a few networks");
        }
    }

    static int stepRank(String step) {
        switch (step) {
            case "observe": return 0;
            case "limit": return 1;
            case "challenge": return 2;
            case "block": return 3;
            case "close": return 4;
            default: return -1;
        }
    }

    IncidentRecord toRecord() {
        Map<String, Long> byVerdict = new LinkedHashMap<>();
        long refusedByVerdict = 0;
        for (Verdict v : Verdict.values()) {
            long n = verdictsNow[v.ordinal()] - verdictsAtOpen[v.ordinal()];
            byVerdict.put(v.label(), n);
            if (v != Verdict.ALLOW) {
                refusedByVerdict += n;
            }
        }
        long served = byVerdict.get(Verdict.ALLOW.label());
        long decided = served + refusedByVerdict;
        IncidentRecord.Profile profile = new IncidentRecord.Profile(requests, round1(peakRps), peakAt, peakSources,
                refusedSources.estimate(), anonymousBytes + knownBytes, sources.top(20), networks.top(20), userAgents.top(10),
                fingerprints.top(10), paths.top(15), autonomousSystems.top(15), countries.top(15), commonAmong(userAgents.top(10)),
                mixed(networks.top(20)));
        IncidentRecord.Mitigation mitigation = new IncidentRecord.Mitigation(byVerdict, refusedByVerdict, served,
                decided == 0 ? 0 : round4((double) refusedByVerdict / decided), slowNow - slowAtOpen, connRefusedNow - connRefusedAtOpen,
                kernelNow - kernelAtOpen);
        List<String> vs = new ArrayList<>();
        if (attackStartedAt != null) {
            vs.add("HTTP request flood");
        }
        vs.addAll(vectors);
        return new IncidentRecord(id, site, closedAt == null ? IncidentRecord.OPEN : IncidentRecord.CLOSED, openedAt, openedBy,
                attackStartedAt, mitigatedAt, closedAt, closedBy, node, vs, profile, mitigation, impact(), egress(),
                new ArrayList<>(rules.values()), new ArrayList<>(timeline), timelineDropped, series.snapshot());
    }

    private IncidentRecord.Impact impact() {
        long failures = knownRefused + knownErrors;
        double errorRate = known == 0 ? 0 : round4((double) failures / known);
        Double latency = knownAnswers == 0 ? null : round1(knownMicros / 1000.0 / knownAnswers);
        String summary;
        if (known == 0) {
            summary = "No known users were seen during the incident, so their experience cannot be measured.";
        } else {
            summary = String.format(java.util.Locale.ROOT, "%d requests from known users: %.2f%% refused or failed%s; origin answered them in %s on average%s.",
                    known, errorRate * 100,
                    before.knownErrorRate() == null ? "" : String.format(java.util.Locale.ROOT, " (%.2f%% before)", before.knownErrorRate() * 100),
                    latency == null ? "-" : latency + " ms",
                    before.knownLatencyMs() == null ? "" : " (" + round1(before.knownLatencyMs()) + " ms before)");
        }
        return new IncidentRecord.Impact(known, knownRefused, knownAnswers, knownErrors, errorRate,
                before.knownErrorRate() == null ? null : round4(before.knownErrorRate()), latency,
                before.knownLatencyMs() == null ? null : round1(before.knownLatencyMs()), summary);
    }

    private IncidentRecord.Egress egress() {
        double rate = seconds <= 0 ? 0 : anonymousBytes / seconds;
        Double beforeRate = before.anonymousBytesPerSecond();
        boolean heavy = beforeRate != null && beforeRate > 0 ? rate > 3 * beforeRate + 1_000_000 : false;
        boolean suspicious = !bulk.isEmpty() || heavy;
        StringBuilder s = new StringBuilder();
        s.append(String.format(java.util.Locale.ROOT, "Clients not known to be users received %d responses totalling %s (%s/s)",
                anonymousResponses, Reports.bytes(anonymousBytes), Reports.bytes((long) rate)));
        if (beforeRate != null) {
            s.append(String.format(java.util.Locale.ROOT, " against %s/s normally", Reports.bytes(beforeRate.longValue())));
        }
        s.append(". ");
        if (bulk.isEmpty()) {
            s.append("No single response to them reached ").append(Reports.bytes(bulkThreshold)).append(". ");
        } else {
            s.append(bulk.size()).append(bulkTruncated ? "+" : "").append(" responses of ").append(Reports.bytes(bulkThreshold))
                    .append(" or more went to them and are listed for review. ");
        }
        if (suspicious) {
            s.append("Review the listed responses before stating that no data left.");
        } else {
            s.append("Nothing in the traffic Rampart relayed points to data leaving: the volume to unknown clients stayed "
                    + "within normal bounds and no bulk download was served. This covers HTTP through Rampart only.");
        }
        return new IncidentRecord.Egress(anonymousResponses, anonymousBytes, round1(rate), beforeRate == null ? null : round1(beforeRate),
                bulkThreshold, new ArrayList<>(bulk), bulkTruncated, suspicious, s.toString());
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double round4(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }
}

package io.rampart.incident;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * One incident as the whole cluster saw it, from each node's record of it: counts add up, lists
 * of sources and paths add up by value, the timeline is one (each line marked with its node), the
 * incident runs from the first node's opening to the last node's closing and is open while any
 * node holds it open. Peaks and distinct-source counts are summed across nodes, so they are upper
 * bounds (a source seen by two nodes counts twice); the report says so.
 */
public final class IncidentMerge {
    private static final int TOP = 20;
    private static final int TIMELINE = 2_000;

    private IncidentMerge() {
    }

    /** The merged record; the only record as it is when there is one. */
    public static IncidentRecord merge(List<IncidentRecord> records) {
        if (records.isEmpty()) {
            throw new IllegalArgumentException("nothing to merge");
        }
        if (records.size() == 1) {
            return records.get(0);
        }
        List<IncidentRecord> rs = new ArrayList<>(records);
        rs.sort(Comparator.comparing(IncidentRecord::openedAt));
        IncidentRecord first = rs.get(0);
        boolean open = rs.stream().anyMatch(IncidentRecord::open);
        Instant closedAt = open ? null : rs.stream().map(IncidentRecord::closedAt).filter(java.util.Objects::nonNull)
                .max(Comparator.naturalOrder()).orElse(null);
        IncidentRecord last = rs.stream().filter(r -> r.closedAt() != null).max(Comparator.comparing(IncidentRecord::closedAt)).orElse(first);
        List<String> nodes = new ArrayList<>();
        List<String> vectors = new ArrayList<>();
        List<IncidentRecord.TimelineEntry> timeline = new ArrayList<>();
        Map<String, IncidentRecord.RuleSummary> rules = new LinkedHashMap<>();
        int dropped = 0;
        for (IncidentRecord r : rs) {
            nodes.add(r.node());
            for (String v : r.vectors()) {
                if (!vectors.contains(v)) {
                    vectors.add(v);
                }
            }
            for (IncidentRecord.TimelineEntry e : r.timeline()) {
                timeline.add(new IncidentRecord.TimelineEntry(e.at(), e.kind(), "[" + r.node() + "] " + e.text()));
            }
            dropped += r.timelineDropped();
            for (IncidentRecord.RuleSummary s : r.rules()) {
                rules.merge(s.conditions(), s, (a, b) -> new IncidentRecord.RuleSummary(a.id(), a.conditions(),
                        higher(a.highestStep(), b.highestStep()),
                        min(a.firstAt(), b.firstAt()), max(a.lastAt(), b.lastAt()), a.matched() + b.matched()));
            }
        }
        timeline.sort(Comparator.comparing(IncidentRecord.TimelineEntry::at));
        if (timeline.size() > TIMELINE) {
            dropped += timeline.size() - TIMELINE;
            timeline = new ArrayList<>(timeline.subList(timeline.size() - TIMELINE, timeline.size()));
        }
        return new IncidentRecord(first.id(), first.site(), open ? IncidentRecord.OPEN : IncidentRecord.CLOSED,
                first.openedAt(), first.openedBy(),
                rs.stream().map(IncidentRecord::attackStartedAt).filter(java.util.Objects::nonNull).min(Comparator.naturalOrder()).orElse(null),
                rs.stream().map(IncidentRecord::mitigatedAt).filter(java.util.Objects::nonNull).min(Comparator.naturalOrder()).orElse(null),
                closedAt, open ? null : last.closedBy(), String.join(", ", nodes), vectors,
                profile(rs), mitigation(rs), impact(rs), egress(rs), new ArrayList<>(rules.values()), timeline, dropped, series(rs));
    }

    /**
     * The nodes' series on one time axis: points fall into buckets as wide as the coarsest node's
     * points (at least a second), counts add up, sources add up (an upper bound, as above); the
     * bucket width doubles until the merged series fits {@link IncidentSeries#MAX_POINTS}.
     */
    static IncidentRecord.Series series(List<IncidentRecord> rs) {
        long width = 1000;
        for (IncidentRecord r : rs) {
            IncidentRecord.Series s = r.series();
            for (int i = 0; i < s.size(); i++) {
                width = Math.max(width, s.millis()[i]);
            }
        }
        java.util.TreeMap<Long, long[]> buckets;
        while (true) {
            buckets = new java.util.TreeMap<>();
            for (IncidentRecord r : rs) {
                IncidentRecord.Series s = r.series();
                for (int i = 0; i < s.size(); i++) {
                    long key = Math.floorDiv(s.at()[i] - 1, width);
                    long[] b = buckets.computeIfAbsent(key, k -> new long[8]);
                    b[0] += s.requests()[i];
                    b[1] += s.refused()[i];
                    b[2] += s.known()[i];
                    b[3] += s.knownFailed()[i];
                    b[4] += s.knownAnswers()[i];
                    b[5] += s.knownMicros()[i];
                    b[6] += s.sources()[i];
                }
            }
            if (buckets.size() <= IncidentSeries.MAX_POINTS) {
                break;
            }
            width *= 2;
        }
        int n = buckets.size();
        long[][] c = new long[9][n];
        int i = 0;
        for (Map.Entry<Long, long[]> e : buckets.entrySet()) {
            c[0][i] = (e.getKey() + 1) * width;
            c[1][i] = width;
            for (int k = 0; k < 7; k++) {
                c[k + 2][i] = e.getValue()[k];
            }
            i++;
        }
        return new IncidentRecord.Series(c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7], c[8]);
    }

    private static IncidentRecord.Profile profile(List<IncidentRecord> rs) {
        long requests = 0;
        double peak = 0;
        Instant peakAt = null;
        long peakSources = 0;
        long refusedSources = 0;
        long bytes = 0;
        List<String> common = new ArrayList<>();
        List<String> mixed = new ArrayList<>();
        for (IncidentRecord r : rs) {
            IncidentRecord.Profile p = r.profile();
            requests += p.requests();
            peak += p.peakRequestsPerSecond();
            if (peakAt == null || p.peakAt() != null && p.peakAt().isAfter(peakAt)) {
                peakAt = p.peakAt();
            }
            peakSources += p.peakSourcesPerTick();
            refusedSources += p.distinctRefusedSources();
            bytes += p.bytesOut();
            for (String ua : p.commonUserAgents()) {
                if (!common.contains(ua)) {
                    common.add(ua);
                }
            }
            for (String net : p.mixedNetworks()) {
                if (!mixed.contains(net)) {
                    mixed.add(net); // served a fair share on any node: not specific to the attack
                }
            }
        }
        return new IncidentRecord.Profile(requests, peak, peakAt, peakSources, refusedSources, bytes,
                counts(rs, p -> p.sources()), counts(rs, p -> p.networks()), counts(rs, p -> p.userAgents()),
                counts(rs, p -> p.fingerprints()), counts(rs, p -> p.paths()), counts(rs, p -> p.autonomousSystems()),
                counts(rs, p -> p.countries()), common, mixed);
    }

    private static List<IncidentRecord.Count> counts(List<IncidentRecord> rs, Function<IncidentRecord.Profile, List<IncidentRecord.Count>> of) {
        Map<String, Long> sum = new LinkedHashMap<>();
        for (IncidentRecord r : rs) {
            for (IncidentRecord.Count c : of.apply(r.profile())) {
                sum.merge(c.value(), c.requests(), Long::sum);
            }
        }
        List<IncidentRecord.Count> out = new ArrayList<>();
        sum.forEach((v, n) -> out.add(new IncidentRecord.Count(v, n)));
        out.sort(Comparator.comparingLong(IncidentRecord.Count::requests).reversed());
        return out.size() > TOP ? new ArrayList<>(out.subList(0, TOP)) : out;
    }

    private static IncidentRecord.Mitigation mitigation(List<IncidentRecord> rs) {
        Map<String, Long> byVerdict = new LinkedHashMap<>();
        long refused = 0;
        long served = 0;
        long slow = 0;
        long connections = 0;
        long kernel = 0;
        for (IncidentRecord r : rs) {
            IncidentRecord.Mitigation m = r.mitigation();
            m.byVerdict().forEach((k, v) -> byVerdict.merge(k, v, Long::sum));
            refused += m.refused();
            served += m.served();
            slow += m.slowConnectionsClosed();
            connections += m.connectionsRefused();
            kernel += m.packetsDroppedInKernel();
        }
        double kept = refused + served == 0 ? 0 : (double) refused / (refused + served);
        return new IncidentRecord.Mitigation(byVerdict, refused, served, kept, slow, connections, kernel);
    }

    private static IncidentRecord.Impact impact(List<IncidentRecord> rs) {
        long known = 0;
        long knownRefused = 0;
        long answers = 0;
        long errors = 0;
        List<String> summaries = new ArrayList<>();
        for (IncidentRecord r : rs) {
            IncidentRecord.Impact i = r.impact();
            known += i.knownRequests();
            knownRefused += i.knownRefused();
            answers += i.knownOriginAnswers();
            errors += i.knownOriginErrors();
            if (i.summary() != null && !i.summary().isBlank()) {
                summaries.add(r.node() + ": " + i.summary());
            }
        }
        IncidentRecord.Impact one = rs.get(0).impact();
        return new IncidentRecord.Impact(known, knownRefused, answers, errors, answers == 0 ? 0 : (double) errors / answers,
                one.knownErrorRateBefore(), one.knownLatencyMs(), one.knownLatencyMsBefore(), String.join("; ", summaries));
    }

    private static IncidentRecord.Egress egress(List<IncidentRecord> rs) {
        long responses = 0;
        long bytes = 0;
        double perSecond = 0;
        List<IncidentRecord.Bulk> bulk = new ArrayList<>();
        boolean truncated = false;
        boolean suspicious = false;
        List<String> statements = new ArrayList<>();
        for (IncidentRecord r : rs) {
            IncidentRecord.Egress e = r.egress();
            responses += e.anonymousResponses();
            bytes += e.anonymousBytes();
            perSecond += e.anonymousBytesPerSecond();
            bulk.addAll(e.bulk());
            truncated |= e.bulkTruncated();
            suspicious |= e.suspicious();
            statements.add(r.node() + ": " + e.statement());
        }
        bulk.sort(Comparator.comparing(IncidentRecord.Bulk::at));
        IncidentRecord.Egress one = rs.get(0).egress();
        return new IncidentRecord.Egress(responses, bytes, perSecond, one.anonymousBytesPerSecondBefore(), one.bulkThreshold(), bulk,
                truncated, suspicious, String.join(" ", statements));
    }

    private static String higher(String a, String b) {
        try {
            return io.rampart.config.MitigationStep.parse(a).compareTo(io.rampart.config.MitigationStep.parse(b)) >= 0 ? a : b;
        } catch (RuntimeException e) {
            return a;
        }
    }

    private static Instant min(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isBefore(b) ? a : b;
    }

    private static Instant max(Instant a, Instant b) {
        return a == null ? b : b == null ? a : a.isAfter(b) ? a : b;
    }
}

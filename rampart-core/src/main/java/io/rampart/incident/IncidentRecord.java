package io.rampart.incident;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * One incident as stored and reported: an immutable snapshot, serialised as JSON (the store's
 * document and the API's answer) and rendered by {@link Reports}.
 */
public record IncidentRecord(
        String id,
        String site,
        String status,
        Instant openedAt,
        String openedBy,
        Instant attackStartedAt,
        Instant mitigatedAt,
        Instant closedAt,
        String closedBy,
        String node,
        List<String> vectors,
        Profile profile,
        Mitigation mitigation,
        Impact impact,
        Egress egress,
        List<RuleSummary> rules,
        List<TimelineEntry> timeline,
        int timelineDropped,
        Series series) {

    public IncidentRecord {
        series = series == null ? Series.EMPTY : series; // records written before the series existed have none
    }

    /** A record without a series (tests, records from before). */
    public IncidentRecord(String id, String site, String status, Instant openedAt, String openedBy, Instant attackStartedAt,
                          Instant mitigatedAt, Instant closedAt, String closedBy, String node, List<String> vectors, Profile profile,
                          Mitigation mitigation, Impact impact, Egress egress, List<RuleSummary> rules, List<TimelineEntry> timeline,
                          int timelineDropped) {
        this(id, site, status, openedAt, openedBy, attackStartedAt, mitigatedAt, closedAt, closedBy, node, vectors, profile,
                mitigation, impact, egress, rules, timeline, timelineDropped, Series.EMPTY);
    }

    /** The same record with {@code e} at the end of its timeline (a note on a closed incident). */
    public IncidentRecord withNote(TimelineEntry e) {
        List<TimelineEntry> t = new java.util.ArrayList<>(timeline);
        t.add(e);
        return new IncidentRecord(id, site, status, openedAt, openedBy, attackStartedAt, mitigatedAt, closedAt, closedBy, node,
                vectors, profile, mitigation, impact, egress, rules, t, timelineDropped, series);
    }

    /** The same record with another series. */
    public IncidentRecord withSeries(Series s) {
        return new IncidentRecord(id, site, status, openedAt, openedBy, attackStartedAt, mitigatedAt, closedAt, closedBy, node,
                vectors, profile, mitigation, impact, egress, rules, timeline, timelineDropped, s);
    }

    public static final String OPEN = "open";
    public static final String CLOSED = "closed";

    public boolean open() {
        return OPEN.equals(status);
    }

    /** From opening to closing (or to {@code now} while open). */
    public Duration duration(Instant now) {
        return Duration.between(openedAt, closedAt == null ? now : closedAt);
    }

    /** Seconds from the attack's start (or the opening) to the first effective mitigation, or null. */
    public Double secondsToMitigate() {
        if (mitigatedAt == null) {
            return null;
        }
        Instant from = attackStartedAt == null ? openedAt : attackStartedAt;
        return Math.max(0, Duration.between(from, mitigatedAt).toMillis() / 1000.0);
    }

    /** The size of the attack. */
    public record Profile(long requests, double peakRequestsPerSecond, Instant peakAt, long peakSourcesPerTick,
                          long distinctRefusedSources, long bytesOut, List<Count> sources, List<Count> networks,
                          List<Count> userAgents, List<Count> fingerprints, List<Count> paths,
                          List<Count> autonomousSystems, List<Count> countries, List<String> commonUserAgents,
                          List<String> mixedNetworks) {
        /** A profile without the mixed networks (tests, records from before). */
        public Profile(long requests, double peakRequestsPerSecond, Instant peakAt, long peakSourcesPerTick,
                       long distinctRefusedSources, long bytesOut, List<Count> sources, List<Count> networks,
                       List<Count> userAgents, List<Count> fingerprints, List<Count> paths,
                       List<Count> autonomousSystems, List<Count> countries, List<String> commonUserAgents) {
            this(requests, peakRequestsPerSecond, peakAt, peakSourcesPerTick, distinctRefusedSources, bytesOut, sources, networks,
                    userAgents, fingerprints, paths, autonomousSystems, countries, commonUserAgents, null);
        }

        public Profile {
            // records written before the geo fields existed have none
            autonomousSystems = autonomousSystems == null ? List.of() : autonomousSystems;
            countries = countries == null ? List.of() : countries;
            commonUserAgents = commonUserAgents == null ? List.of() : commonUserAgents;
            mixedNetworks = mixedNetworks == null ? List.of() : mixedNetworks;
        }

        /**
         * Whether most of network {@code net}'s traffic during the incident was refused: only
         * then is it specific to the attack, an indicator a CERT can act on. A network that was
         * also served a good share (a shared office or mobile-carrier range with real visitors in
         * it) is listed as observed, never as an indicator.
         */
        public boolean mostlyRefused(String net) {
            return !mixedNetworks.contains(net);
        }

        /**
         * Whether refused traffic's user agent {@code ua} is also common in the site's normal
         * traffic (or, before the site's traffic was known, a mainstream browser's): observed, but
         * never an indicator of the attack, since real visitors send it too.
         */
        public boolean alsoUsedByRealVisitors(String ua) {
            return commonUserAgents.contains(ua);
        }
    }

    /** A value and how many requests carried it (estimated from the sample). */
    public record Count(String value, long requests) {
    }

    /** What the protection did. */
    public record Mitigation(Map<String, Long> byVerdict, long refused, long served, double shareKeptOffOrigin,
                             long slowConnectionsClosed, long connectionsRefused, long packetsDroppedInKernel) {
    }

    /** How known users fared during the incident, against the weeks before. */
    public record Impact(long knownRequests, long knownRefused, long knownOriginAnswers, long knownOriginErrors,
                         double knownErrorRate, Double knownErrorRateBefore, Double knownLatencyMs,
                         Double knownLatencyMsBefore, String summary) {
    }

    /** Whether data left: responses to clients not known to be users, by size and path. */
    public record Egress(long anonymousResponses, long anonymousBytes, double anonymousBytesPerSecond,
                         Double anonymousBytesPerSecondBefore, long bulkThreshold, List<Bulk> bulk, boolean bulkTruncated,
                         boolean suspicious, String statement) {
    }

    /** One large response to an anonymous client. */
    public record Bulk(Instant at, String client, String target, long bytes, int status) {
    }

    /** A rule deployed during the incident. */
    public record RuleSummary(String id, String conditions, String highestStep, Instant firstAt, Instant lastAt,
                              long matched) {
    }

    /**
     * The incident's traffic over time, one column per measure ({@link IncidentSeries}): each
     * point ends at {@code at} (epoch millis) and covers {@code millis}; counts are per point,
     * latency is the sum of known users' origin answer times in microseconds over
     * {@code knownAnswers} answers, {@code sources} the most distinct sources in one tick.
     */
    public record Series(long[] at, long[] millis, long[] requests, long[] refused, long[] known, long[] knownFailed,
                         long[] knownAnswers, long[] knownMicros, long[] sources) {
        public static final Series EMPTY = new Series(new long[0], new long[0], new long[0], new long[0], new long[0],
                new long[0], new long[0], new long[0], new long[0]);

        public Series {
            int n = at == null ? 0 : at.length;
            for (long[] c : new long[][] {millis, requests, refused, known, knownFailed, knownAnswers, knownMicros, sources}) {
                if (c == null || c.length != n) {
                    throw new IllegalArgumentException("every column of a series has the same length");
                }
            }
        }

        public int size() {
            return at.length;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Series s && java.util.Arrays.equals(at, s.at) && java.util.Arrays.equals(millis, s.millis)
                    && java.util.Arrays.equals(requests, s.requests) && java.util.Arrays.equals(refused, s.refused)
                    && java.util.Arrays.equals(known, s.known) && java.util.Arrays.equals(knownFailed, s.knownFailed)
                    && java.util.Arrays.equals(knownAnswers, s.knownAnswers) && java.util.Arrays.equals(knownMicros, s.knownMicros)
                    && java.util.Arrays.equals(sources, s.sources);
        }

        @Override
        public int hashCode() {
            return java.util.Arrays.hashCode(at) * 31 + java.util.Arrays.hashCode(requests);
        }

        @Override
        public String toString() {
            return "Series[" + at.length + " points]";
        }
    }

    /** One line of the timeline: a state change, a rule, an operator action, a notification. */
    public record TimelineEntry(Instant at, String kind, String text) {
    }
}

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
        int timelineDropped) {

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
                          List<Count> autonomousSystems, List<Count> countries, List<String> commonUserAgents) {
        public Profile {
            // records written before the geo fields existed have none
            autonomousSystems = autonomousSystems == null ? List.of() : autonomousSystems;
            countries = countries == null ? List.of() : countries;
            commonUserAgents = commonUserAgents == null ? List.of() : commonUserAgents;
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

    /** One line of the timeline: a state change, a rule, an operator action, a notification. */
    public record TimelineEntry(Instant at, String kind, String text) {
    }
}

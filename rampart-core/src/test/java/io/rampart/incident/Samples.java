package io.rampart.incident;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Incident records for report, store and alert tests, with values an attacker controls. */
public final class Samples {
    static final String HOSTILE_UA = "<script>alert('x')</script> \"bot\" | \\ ' ";
    /** A browser the flood imitated, which the site's real visitors use too. */
    /** A network the flood came from that real visitors were served from too (not an indicator). */
    static final String MIXED_NETWORK = "2001:db8:1:2::/64";
    static final String COMMON_UA = "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36";

    private Samples() {
    }

    public static IncidentRecord closed(String id, boolean bulk) {
        Instant opened = Instant.parse("2026-11-20T19:00:01.250Z");
        Map<String, Long> byVerdict = new LinkedHashMap<>();
        byVerdict.put("allow", 12_000L);
        byVerdict.put("limit", 300L);
        byVerdict.put("challenge", 0L);
        byVerdict.put("block", 88_000L);
        byVerdict.put("close", 9_000L);
        byVerdict.put("tarpit", 0L);
        IncidentRecord.Profile profile = new IncidentRecord.Profile(109_300, 4_120.0, opened.plusSeconds(30), 2_100, 1_950, 52_000_000,
                List.of(new IncidentRecord.Count("100.64.0.7", 900)),
                List.of(new IncidentRecord.Count("100.64.0.0/24", 20_000), new IncidentRecord.Count("2001:db8:1:2::/64", 5_000)),
                List.of(new IncidentRecord.Count(HOSTILE_UA, 40_000), new IncidentRecord.Count(COMMON_UA, 30_000)),
                List.of(new IncidentRecord.Count("HTTP/1.1 host,user-agent accept=-", 60_000)),
                List.of(new IncidentRecord.Count("/search", 80_000)),
                List.of(new IncidentRecord.Count("AS64500 <b>Bulletproof</b> Hosting", 70_000), new IncidentRecord.Count("AS64501", 9_000)),
                List.of(new IncidentRecord.Count("ZZ", 79_000)), List.of(COMMON_UA), List.of(MIXED_NETWORK));
        IncidentRecord.Mitigation m = new IncidentRecord.Mitigation(byVerdict, 97_300, 12_000, 0.8902, 3, 0, 0);
        IncidentRecord.Impact impact = new IncidentRecord.Impact(4_000, 0, 4_000, 2, 0.0005, 0.0004, 21.5, 20.0,
                "4000 requests from known users: 0.05% refused or failed (0.04% before); origin answered them in 21.5 ms on average (20.0 ms before).");
        List<IncidentRecord.Bulk> bulks = bulk
                ? List.of(new IncidentRecord.Bulk(opened.plusSeconds(60), "203.0.113.9", "/export/members.csv", 5L << 20, 200))
                : List.of();
        IncidentRecord.Egress egress = new IncidentRecord.Egress(100_000, 40_000_000, 66_000, 60_000.0, 1 << 20, bulks, false, bulk,
                bulk ? "1 responses of 1.0 MB or more went to them and are listed for review. Review the listed responses before stating that no data left."
                     : "Nothing in the traffic Rampart relayed points to data leaving.");
        return new IncidentRecord(id, "campaign", "closed", opened, "detector", opened, opened.plusSeconds(1), opened.plusSeconds(600),
                "detector", "a1b", List.of("HTTP request flood", "cache-busting (random query strings)"), profile, m, impact, egress,
                List.of(new IncidentRecord.RuleSummary("r1", "fingerprint=HTTP/1.1 host AND path=/search", "close", opened.plusSeconds(1),
                        opened.plusSeconds(300), 97_000)),
                List.of(new IncidentRecord.TimelineEntry(opened, "incident", "opened by detector"),
                        new IncidentRecord.TimelineEntry(opened, "state", "suspect -> attack: rate 4000/s <b>"),
                        new IncidentRecord.TimelineEntry(opened.plusSeconds(1), "rule", "rule r1 deployed at block: path=/search")),
                0, series(opened, 60));
    }

    /**
     * Ten minutes in 10-second points: 200 req/s of normal traffic, then from the third point a
     * flood that peaks at 4,120 req/s, mostly refused; known users' latency rises a little.
     */
    static IncidentRecord.Series series(Instant opened, int points) {
        long[] at = new long[points];
        long[] millis = new long[points];
        long[] requests = new long[points];
        long[] refused = new long[points];
        long[] known = new long[points];
        long[] failed = new long[points];
        long[] answers = new long[points];
        long[] micros = new long[points];
        long[] sources = new long[points];
        for (int i = 0; i < points; i++) {
            at[i] = opened.toEpochMilli() + (i + 1) * 10_000L;
            millis[i] = 10_000;
            long flood = i < 2 ? 0 : Math.round(3_920 * Math.sin(Math.PI * (i - 2) / (points - 2)));
            requests[i] = 10 * (200 + flood);
            refused[i] = Math.round(10 * flood * 0.97);
            known[i] = 70;
            failed[i] = i == 5 ? 1 : 0;
            answers[i] = 69;
            micros[i] = 69 * (20_000 + 60 * flood / 10);
            sources[i] = flood == 0 ? 40 : 40 + flood / 2;
        }
        return new IncidentRecord.Series(at, millis, requests, refused, known, failed, answers, micros, sources);
    }
}

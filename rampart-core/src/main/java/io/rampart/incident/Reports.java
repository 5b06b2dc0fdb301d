package io.rampart.incident;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * An incident as a report a duty officer can send as it is: summary first, then the timeline,
 * figures, sources, actions, impact on known users, the data-egress statement, and indicators
 * (with a STIX 2.1 bundle in the JSON form). Three renderings of one content: Markdown, a
 * self-contained printable HTML page, and JSON.
 */
public final class Reports {
    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss 'UTC'").withZone(ZoneOffset.UTC);

    private Reports() {
    }

    /** The formats {@link #render} knows. */
    public static final List<String> FORMATS = List.of("md", "html", "json", "stix");

    /**
     * Renders {@code r} in {@code format} ({@code md}, {@code html}, {@code json}, {@code stix}).
     *
     * @throws IllegalArgumentException for another format
     */
    public static String render(IncidentRecord r, String format, Instant now) {
        switch (format) {
            case "md":
                return markdown(r, now);
            case "html":
                return html(r, now);
            case "json":
                return json(r, now);
            case "stix":
                return write(Stix.bundle(r, now));
            default:
                throw new IllegalArgumentException("unknown format '" + format + "': expected md, html, json or stix");
        }
    }

    /** The summary paragraph every rendering starts with. */
    static String summary(IncidentRecord r, Instant now) {
        StringBuilder s = new StringBuilder();
        s.append(String.format(Locale.ROOT, "Site %s was under a denial-of-service attack from %s to %s (%s). ", r.site(),
                time(r.attackStartedAt() != null ? r.attackStartedAt() : r.openedAt()),
                r.closedAt() == null ? "now (the incident is still open)" : time(r.closedAt()), duration(r.duration(now))));
        if (!r.vectors().isEmpty()) {
            s.append("Vectors: ").append(String.join("; ", r.vectors())).append(". ");
        }
        s.append(String.format(Locale.ROOT, "%,d requests arrived, at most %,.0f per second, from about %,d refused sources. ",
                r.profile().requests(), r.profile().peakRequestsPerSecond(), r.profile().distinctRefusedSources()));
        s.append(String.format(Locale.ROOT, "Rampart refused %,d of them (%.1f%% kept off the origin)%s. ",
                r.mitigation().refused(), r.mitigation().shareKeptOffOrigin() * 100,
                r.secondsToMitigate() == null ? "" : String.format(Locale.ROOT, ", effective %.1f s after the attack began", r.secondsToMitigate())));
        s.append(r.impact().summary()).append(' ');
        s.append(r.egress().suspicious() ? "Data egress: needs review (see below)." : "Data egress: no sign of data leaving.");
        return s.toString();
    }

    // ---------------------------------------------------------------- Markdown

    static String markdown(IncidentRecord r, Instant now) {
        StringBuilder b = new StringBuilder();
        b.append("# Incident report ").append(r.id()).append("\n\n");
        b.append("| | |\n|---|---|\n");
        row(b, "Site", r.site());
        row(b, "Status", r.status() + (r.closedBy() == null ? "" : " (closed by " + r.closedBy() + ")"));
        row(b, "Opened", time(r.openedAt()) + " by " + r.openedBy());
        row(b, "Attack began", r.attackStartedAt() == null ? "not detected (opened by hand)" : time(r.attackStartedAt()));
        row(b, "Mitigated", r.mitigatedAt() == null ? "-" : time(r.mitigatedAt()) + " (" + r.secondsToMitigate() + " s)");
        row(b, "Closed", r.closedAt() == null ? "still open" : time(r.closedAt()));
        row(b, "Duration", duration(r.duration(now)));
        row(b, "Reported", time(now) + " by Rampart node " + r.node());
        b.append("\n## Summary\n\n").append(summary(r, now)).append("\n\n");
        b.append("## Timeline\n\n");
        for (IncidentRecord.TimelineEntry e : r.timeline()) {
            b.append("- ").append(time(e.at())).append(" — **").append(e.kind()).append("** ").append(md(e.text())).append('\n');
        }
        if (r.timelineDropped() > 0) {
            b.append("- … ").append(r.timelineDropped()).append(" later entries not kept\n");
        }
        b.append("\n## Figures\n\n| | |\n|---|---|\n");
        IncidentRecord.Profile p = r.profile();
        row(b, "Requests", String.format(Locale.ROOT, "%,d", p.requests()));
        row(b, "Peak rate", String.format(Locale.ROOT, "%,.0f requests/s at %s", p.peakRequestsPerSecond(), p.peakAt() == null ? "-" : time(p.peakAt())));
        row(b, "Peak sources in one tick", String.format(Locale.ROOT, "%,d", p.peakSourcesPerTick()));
        row(b, "Distinct refused sources (estimate)", String.format(Locale.ROOT, "%,d", p.distinctRefusedSources()));
        row(b, "Bytes sent to clients", bytes(p.bytesOut()));
        b.append("\n## Actions\n\n| Verdict | Requests |\n|---|---|\n");
        for (Map.Entry<String, Long> e : r.mitigation().byVerdict().entrySet()) {
            b.append("| ").append(e.getKey()).append(" | ").append(String.format(Locale.ROOT, "%,d", e.getValue())).append(" |\n");
        }
        b.append(String.format(Locale.ROOT, "%nShare kept off the origin: %.1f%%. Slow connections closed: %d. Connections refused at accept: %d.%n%n",
                r.mitigation().shareKeptOffOrigin() * 100, r.mitigation().slowConnectionsClosed(), r.mitigation().connectionsRefused()));
        if (!r.rules().isEmpty()) {
            b.append("| Rule | Matching | Highest step | From | To | Matched |\n|---|---|---|---|---|---|\n");
            for (IncidentRecord.RuleSummary s : r.rules()) {
                b.append("| ").append(s.id()).append(" | ").append(md(s.conditions())).append(" | ").append(s.highestStep()).append(" | ")
                        .append(time(s.firstAt())).append(" | ").append(time(s.lastAt())).append(" | ")
                        .append(String.format(Locale.ROOT, "%,d", s.matched())).append(" |\n");
            }
            b.append('\n');
        }
        b.append("## Sources (refused traffic, estimated from a sample)\n\n");
        counts(b, "Networks", p.networks());
        counts(b, "Addresses", p.sources());
        counts(b, "User agents", p.userAgents());
        counts(b, "Paths", p.paths());
        counts(b, "Header fingerprints", p.fingerprints());
        IncidentRecord.Impact i = r.impact();
        b.append("## Impact on known users\n\n").append(i.summary()).append("\n\n");
        IncidentRecord.Egress e = r.egress();
        b.append("## Data egress\n\n").append(e.statement()).append("\n\n");
        if (!e.bulk().isEmpty()) {
            b.append("| Time | Client | Path | Size | Status |\n|---|---|---|---|---|\n");
            for (IncidentRecord.Bulk x : e.bulk()) {
                b.append("| ").append(time(x.at())).append(" | ").append(x.client()).append(" | ").append(md(x.target())).append(" | ")
                        .append(bytes(x.bytes())).append(" | ").append(x.status()).append(" |\n");
            }
            b.append('\n');
        }
        b.append("## Indicators\n\nSource networks and user agents of the refused traffic, for sharing (a STIX 2.1 bundle: `rampart report ")
                .append(r.id()).append(" --format stix`).\n\n```\n");
        for (IncidentRecord.Count c : p.networks()) {
            b.append("network ").append(c.value()).append('\n');
        }
        for (IncidentRecord.Count c : p.userAgents()) {
            b.append("user-agent ").append(c.value()).append('\n');
        }
        b.append("```\n");
        return b.toString();
    }

    private static void counts(StringBuilder b, String title, List<IncidentRecord.Count> counts) {
        if (counts.isEmpty()) {
            return;
        }
        b.append("**").append(title).append("**\n\n| Value | Requests |\n|---|---|\n");
        for (IncidentRecord.Count c : counts) {
            b.append("| ").append(md(c.value())).append(" | ").append(String.format(Locale.ROOT, "%,d", c.requests())).append(" |\n");
        }
        b.append('\n');
    }

    private static void row(StringBuilder b, String k, String v) {
        b.append("| ").append(k).append(" | ").append(md(v)).append(" |\n");
    }

    private static String md(String s) {
        return s == null ? "" : s.replace("|", "\\|").replace("\n", " ").replace("<", "&lt;");
    }

    // ---------------------------------------------------------------- HTML

    static String html(IncidentRecord r, Instant now) {
        StringBuilder b = new StringBuilder(16_384);
        b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Incident report ").append(h(r.id()))
                .append("</title><style>body{font:14px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#111}"
                        + "h1{font-size:1.6em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.6em}"
                        + "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
                        + "th{background:#f3f3f3}.summary{background:#f6f8fa;border-left:4px solid #0a58ca;padding:.6em 1em}"
                        + ".warn{border-left-color:#b00}code,pre{font:12px ui-monospace,monospace}pre{background:#f6f8fa;padding:.6em;overflow-x:auto}"
                        + "@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}}</style></head><body>");
        b.append("<h1>Incident report ").append(h(r.id())).append("</h1><table>");
        trow(b, "Site", r.site());
        trow(b, "Status", r.status() + (r.closedBy() == null ? "" : " (closed by " + r.closedBy() + ")"));
        trow(b, "Opened", time(r.openedAt()) + " by " + r.openedBy());
        trow(b, "Attack began", r.attackStartedAt() == null ? "not detected (opened by hand)" : time(r.attackStartedAt()));
        trow(b, "Mitigated", r.mitigatedAt() == null ? "-" : time(r.mitigatedAt()) + " (" + r.secondsToMitigate() + " s)");
        trow(b, "Closed", r.closedAt() == null ? "still open" : time(r.closedAt()));
        trow(b, "Duration", duration(r.duration(now)));
        trow(b, "Reported", time(now) + " by Rampart node " + r.node());
        b.append("</table><h2>Summary</h2><p class=\"summary").append(r.egress().suspicious() ? " warn" : "").append("\" id=\"summary\">")
                .append(h(summary(r, now))).append("</p>");
        b.append("<h2>Timeline</h2><table id=\"timeline\"><tr><th>Time</th><th>Kind</th><th>What</th></tr>");
        for (IncidentRecord.TimelineEntry e : r.timeline()) {
            b.append("<tr><td>").append(h(time(e.at()))).append("</td><td>").append(h(e.kind())).append("</td><td>").append(h(e.text())).append("</td></tr>");
        }
        b.append("</table>");
        IncidentRecord.Profile p = r.profile();
        b.append("<h2>Figures</h2><table>");
        trow(b, "Requests", String.format(Locale.ROOT, "%,d", p.requests()));
        trow(b, "Peak rate", String.format(Locale.ROOT, "%,.0f requests/s at %s", p.peakRequestsPerSecond(), p.peakAt() == null ? "-" : time(p.peakAt())));
        trow(b, "Peak sources in one tick", String.format(Locale.ROOT, "%,d", p.peakSourcesPerTick()));
        trow(b, "Distinct refused sources (estimate)", String.format(Locale.ROOT, "%,d", p.distinctRefusedSources()));
        trow(b, "Bytes sent to clients", bytes(p.bytesOut()));
        b.append("</table><h2>Actions</h2><table><tr><th>Verdict</th><th>Requests</th></tr>");
        for (Map.Entry<String, Long> e : r.mitigation().byVerdict().entrySet()) {
            b.append("<tr><td>").append(h(e.getKey())).append("</td><td>").append(String.format(Locale.ROOT, "%,d", e.getValue())).append("</td></tr>");
        }
        b.append("</table><p>").append(String.format(Locale.ROOT, "Share kept off the origin: %.1f%%. Slow connections closed: %d. Connections refused at accept: %d.",
                r.mitigation().shareKeptOffOrigin() * 100, r.mitigation().slowConnectionsClosed(), r.mitigation().connectionsRefused())).append("</p>");
        if (!r.rules().isEmpty()) {
            b.append("<table><tr><th>Rule</th><th>Matching</th><th>Highest step</th><th>From</th><th>To</th><th>Matched</th></tr>");
            for (IncidentRecord.RuleSummary s : r.rules()) {
                b.append("<tr><td>").append(h(s.id())).append("</td><td>").append(h(s.conditions())).append("</td><td>").append(h(s.highestStep()))
                        .append("</td><td>").append(h(time(s.firstAt()))).append("</td><td>").append(h(time(s.lastAt()))).append("</td><td>")
                        .append(String.format(Locale.ROOT, "%,d", s.matched())).append("</td></tr>");
            }
            b.append("</table>");
        }
        b.append("<h2>Sources</h2><p>Refused traffic, estimated from a sample.</p>");
        hcounts(b, "Networks", p.networks());
        hcounts(b, "Addresses", p.sources());
        hcounts(b, "User agents", p.userAgents());
        hcounts(b, "Paths", p.paths());
        hcounts(b, "Header fingerprints", p.fingerprints());
        b.append("<h2>Impact on known users</h2><p>").append(h(r.impact().summary())).append("</p>");
        IncidentRecord.Egress e = r.egress();
        b.append("<h2>Data egress</h2><p id=\"egress\">").append(h(e.statement())).append("</p>");
        if (!e.bulk().isEmpty()) {
            b.append("<table><tr><th>Time</th><th>Client</th><th>Path</th><th>Size</th><th>Status</th></tr>");
            for (IncidentRecord.Bulk x : e.bulk()) {
                b.append("<tr><td>").append(h(time(x.at()))).append("</td><td>").append(h(x.client())).append("</td><td>").append(h(x.target()))
                        .append("</td><td>").append(bytes(x.bytes())).append("</td><td>").append(x.status()).append("</td></tr>");
            }
            b.append("</table>");
        }
        b.append("<h2>Indicators</h2><p>Source networks and user agents of the refused traffic. The STIX 2.1 bundle: <code>rampart report ")
                .append(h(r.id())).append(" --format stix</code>.</p><pre>");
        for (IncidentRecord.Count c : p.networks()) {
            b.append("network ").append(h(c.value())).append('\n');
        }
        for (IncidentRecord.Count c : p.userAgents()) {
            b.append("user-agent ").append(h(c.value())).append('\n');
        }
        b.append("</pre></body></html>\n");
        return b.toString();
    }

    private static void hcounts(StringBuilder b, String title, List<IncidentRecord.Count> counts) {
        if (counts.isEmpty()) {
            return;
        }
        b.append("<h3>").append(h(title)).append("</h3><table><tr><th>Value</th><th>Requests</th></tr>");
        for (IncidentRecord.Count c : counts) {
            b.append("<tr><td>").append(h(c.value())).append("</td><td>").append(String.format(Locale.ROOT, "%,d", c.requests())).append("</td></tr>");
        }
        b.append("</table>");
    }

    private static void trow(StringBuilder b, String k, String v) {
        b.append("<tr><th>").append(h(k)).append("</th><td>").append(h(v)).append("</td></tr>");
    }

    /** HTML-escapes text (every value in a report comes from attacker-controlled traffic at some point). */
    static String h(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '<': b.append("&lt;"); break;
                case '>': b.append("&gt;"); break;
                case '&': b.append("&amp;"); break;
                case '"': b.append("&quot;"); break;
                case '\'': b.append("&#39;"); break;
                default: b.append(c);
            }
        }
        return b.toString();
    }

    // ---------------------------------------------------------------- JSON

    static String json(IncidentRecord r, Instant now) {
        ObjectNode o = IncidentJson.MAPPER.createObjectNode();
        o.put("summary", summary(r, now));
        o.put("reportedAt", now.toString());
        o.set("incident", IncidentJson.MAPPER.valueToTree(r));
        o.set("stix", Stix.bundle(r, now));
        return write(o);
    }

    private static String write(Object o) {
        try {
            return IncidentJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(o) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    // ---------------------------------------------------------------- helpers

    static String time(Instant t) {
        return t == null ? "-" : TIME.format(t);
    }

    static String duration(Duration d) {
        long s = d.getSeconds();
        if (s < 60) {
            return s + " s";
        }
        if (s < 3600) {
            return String.format(Locale.ROOT, "%d min %02d s", s / 60, s % 60);
        }
        return String.format(Locale.ROOT, "%d h %02d min", s / 3600, (s % 3600) / 60);
    }

    /** A byte count for people: {@code 812 B}, {@code 4.2 MB}. */
    public static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        String[] units = {"KB", "MB", "GB", "TB"};
        double v = n;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(Locale.ROOT, "%.1f %s", v, units[u]);
    }
}

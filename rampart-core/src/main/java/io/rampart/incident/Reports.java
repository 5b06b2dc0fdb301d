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
        return render(r, format, now, Reporter.NONE);
    }

    /**
     * Renders {@code r} in {@code format} as {@code reporter} sends it: with its organisation,
     * contact and reference, marked with its TLP level.
     *
     * @throws IllegalArgumentException for an unknown format
     */
    public static String render(IncidentRecord r, String format, Instant now, Reporter reporter) {
        switch (format) {
            case "md":
                return markdown(r, now, reporter);
            case "html":
                return html(r, now, reporter);
            case "json":
                return json(r, now, reporter);
            case "stix":
                return write(Stix.bundle(r, now, reporter));
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

    private static final DateTimeFormatter DAY = DateTimeFormatter.ofPattern("d MMMM yyyy", Locale.ENGLISH).withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm", Locale.ROOT).withZone(ZoneOffset.UTC);

    /**
     * What happened, for a reader who does not work with networks: when, what the attackers did
     * and why, what the protection did, whether real visitors noticed, whether data left. Only
     * figures the record holds; no jargon.
     */
    static String plain(IncidentRecord r, Instant now) {
        Instant from = r.attackStartedAt() != null ? r.attackStartedAt() : r.openedAt();
        Instant to = r.closedAt() == null ? now : r.closedAt();
        StringBuilder s = new StringBuilder();
        s.append("On ").append(DAY.format(from)).append(", from ").append(CLOCK.format(from)).append(" UTC ")
                .append(r.closedAt() == null ? "until now (it is still going on)" : "to " + CLOCK.format(to) + " UTC")
                .append(" (").append(duration(Duration.between(from, to))).append("), ");
        long sources = r.profile().distinctRefusedSources();
        if (r.attackStartedAt() == null && r.mitigation().refused() == 0) {
            s.append("the site ").append(r.site()).append(" was watched closely after an operator opened this incident; no flood of requests was recorded. ");
        } else {
            s.append(sources > 1 ? String.format(Locale.ROOT, "computers at about %,d different internet addresses", sources) : "computers on the internet")
                    .append(" sent the site ").append(r.site()).append(String.format(Locale.ROOT,
                            " far more requests than usual, up to %,.0f a second, to make it slow or unreachable for its visitors. "
                            + "This is called a denial-of-service attack. ", r.profile().peakRequestsPerSecond()));
            s.append(String.format(Locale.ROOT, "Rampart, the protection in front of the site, turned away %.0f%% of the requests%s before they reached the site's servers. ",
                    r.mitigation().shareKeptOffOrigin() * 100,
                    r.secondsToMitigate() == null ? "" : String.format(Locale.ROOT, " (from %.0f second%s after the attack began)",
                            Math.max(1, Math.ceil(r.secondsToMitigate())), Math.ceil(r.secondsToMitigate()) <= 1 ? "" : "s")));
        }
        IncidentRecord.Impact i = r.impact();
        if (i.knownRequests() == 0) {
            s.append("No regular visitors were seen during this time, so their experience cannot be measured. ");
        } else {
            double ok = 100 * (1 - i.knownErrorRate());
            s.append(String.format(Locale.ROOT, "Regular visitors %s: %.2f%% of their requests succeeded. ",
                    ok >= 99 ? "were barely affected" : ok >= 90 ? "noticed some failures" : "were seriously affected", ok));
        }
        boolean attacked = r.attackStartedAt() != null || r.mitigation().refused() > 0;
        s.append(r.egress().suspicious()
                ? "Some unusually large answers went to unknown computers; they are listed under \"Data egress\" and should be checked."
                : attacked ? "Nothing suggests that any data was taken: the attack tried to overload the site, not to break into it."
                : "Nothing suggests that any data was taken.");
        return s.toString();
    }

    /** The table at the top of every rendering: what, where, when. */
    private static List<String[]> headerRows(IncidentRecord r, Instant now, Reporter reporter) {
        List<String[]> rows = new java.util.ArrayList<>();
        rows.add(new String[] {"Reference", reporter.referenceOf(r.id())});
        rows.add(new String[] {"Marking", reporter.tlp().label() + " — " + reporter.tlp().meaning()});
        if (reporter.organisation() != null) {
            rows.add(new String[] {"Reporting organisation", reporter.organisation()});
        }
        if (reporter.contact() != null || reporter.email() != null) {
            rows.add(new String[] {"Contact", String.join(", ", java.util.stream.Stream.of(reporter.contact(), reporter.email())
                    .filter(java.util.Objects::nonNull).toList())});
        }
        rows.addAll(List.of(
                new String[] {"Site", r.site()},
                new String[] {"Status", r.status() + (r.closedBy() == null ? "" : " (closed by " + r.closedBy() + ")")},
                new String[] {"Opened", time(r.openedAt()) + " by " + r.openedBy()},
                new String[] {"Attack began", r.attackStartedAt() == null ? "not detected (opened by hand)" : time(r.attackStartedAt())},
                new String[] {"Mitigated", r.mitigatedAt() == null ? "-" : time(r.mitigatedAt()) + String.format(Locale.ROOT, " (%.1f s after the attack began)", r.secondsToMitigate())},
                new String[] {"Closed", r.closedAt() == null ? "still open" : time(r.closedAt())},
                new String[] {"Duration", duration(r.duration(now))},
                new String[] {"Reported", time(now) + " by Rampart node " + r.node()}));
        return rows;
    }

    /** The size of the attack. */
    private static List<String[]> figureRows(IncidentRecord.Profile p) {
        return List.of(
                new String[] {"Requests", String.format(Locale.ROOT, "%,d", p.requests())},
                new String[] {"Peak rate", String.format(Locale.ROOT, "%,.0f requests/s at %s", p.peakRequestsPerSecond(),
                        p.peakAt() == null ? "-" : time(p.peakAt()))},
                new String[] {"Peak sources in one tick", String.format(Locale.ROOT, "%,d", p.peakSourcesPerTick())},
                new String[] {"Distinct refused sources (estimate)", String.format(Locale.ROOT, "%,d", p.distinctRefusedSources())},
                new String[] {"Bytes sent to clients", bytes(p.bytesOut())});
    }

    /** The source tables: a title and its counts. */
    private static List<Map.Entry<String, List<IncidentRecord.Count>>> sourceTables(IncidentRecord.Profile p) {
        return List.of(Map.entry("Networks", p.networks()), Map.entry("Autonomous systems", p.autonomousSystems()),
                Map.entry("Countries", p.countries()), Map.entry("Addresses", p.sources()), Map.entry("User agents", p.userAgents()),
                Map.entry("Paths", p.paths()), Map.entry("Header fingerprints", p.fingerprints()));
    }

    private static String mitigationLine(IncidentRecord r) {
        return String.format(Locale.ROOT, "Share kept off the origin: %.1f%%. Slow connections closed: %d. Connections refused at accept: %d. "
                + "Packets of judged sources dropped in the kernel: %d.",
                r.mitigation().shareKeptOffOrigin() * 100, r.mitigation().slowConnectionsClosed(), r.mitigation().connectionsRefused(),
                r.mitigation().packetsDroppedInKernel());
    }

    /** One row per rule: id, conditions, highest step, from, to, matched. */
    private static String[] ruleRow(IncidentRecord.RuleSummary s) {
        return new String[] {s.id(), s.conditions(), s.highestStep(), time(s.firstAt()), time(s.lastAt()), String.format(Locale.ROOT, "%,d", s.matched())};
    }

    private static String[] bulkRow(IncidentRecord.Bulk x) {
        return new String[] {time(x.at()), x.client(), x.target(), bytes(x.bytes()), Integer.toString(x.status())};
    }

    private static final String[] RULE_HEAD = {"Rule", "Matching", "Highest step", "From", "To", "Matched"};
    private static final String[] BULK_HEAD = {"Time", "Client", "Path", "Size", "Status"};

    // ---------------------------------------------------------------- Markdown

    static String markdown(IncidentRecord r, Instant now, Reporter reporter) {
        StringBuilder b = new StringBuilder();
        b.append("**").append(reporter.tlp().label()).append("**\n\n");
        b.append("# Incident report ").append(md(reporter.referenceOf(r.id()))).append("\n\n");
        b.append("## What happened\n\n").append(md(plain(r, now))).append("\n\n");
        mdTable(b, new String[] {"", ""}, headerRows(r, now, reporter));
        b.append("\n## Summary\n\n").append(summary(r, now)).append("\n\n");
        b.append("## Timeline\n\n");
        for (IncidentRecord.TimelineEntry e : r.timeline()) {
            b.append("- ").append(time(e.at())).append(" — **").append(e.kind()).append("** ").append(md(e.text())).append('\n');
        }
        if (r.timelineDropped() > 0) {
            b.append("- … ").append(r.timelineDropped()).append(" later entries not kept\n");
        }
        b.append("\n## Figures\n\n");
        mdTable(b, new String[] {"", ""}, figureRows(r.profile()));
        b.append("\n## Actions\n\n");
        mdTable(b, new String[] {"Verdict", "Requests"}, verdictRows(r));
        b.append('\n').append(mitigationLine(r)).append("\n\n");
        if (!r.rules().isEmpty()) {
            mdTable(b, RULE_HEAD, r.rules().stream().map(Reports::ruleRow).toList());
            b.append('\n');
        }
        b.append("## Sources (refused traffic, estimated from a sample)\n\n");
        for (Map.Entry<String, List<IncidentRecord.Count>> t : sourceTables(r.profile())) {
            if (!t.getValue().isEmpty()) {
                b.append("**").append(t.getKey()).append("**\n\n");
                mdTable(b, new String[] {"Value", "Requests"}, countRows(t.getValue()));
                b.append('\n');
            }
        }
        b.append("## Impact on known users\n\n").append(r.impact().summary()).append("\n\n");
        IncidentRecord.Egress e = r.egress();
        b.append("## Data egress\n\n").append(e.statement()).append("\n\n");
        if (!e.bulk().isEmpty()) {
            mdTable(b, BULK_HEAD, e.bulk().stream().map(Reports::bulkRow).toList());
            b.append('\n');
        }
        b.append("## Indicators\n\n").append(INDICATORS_NOTE).append(" The STIX 2.1 bundle: `rampart report ")
                .append(r.id()).append(" --format stix`.\n\n");
        String indicators = indicators(r.profile());
        String fence = fence(indicators);
        b.append(fence).append('\n').append(indicators).append(fence).append('\n');
        String observed = observed(r.profile());
        if (!observed.isEmpty()) {
            b.append("\n").append(OBSERVED_NOTE).append("\n\n");
            String f2 = fence(observed);
            b.append(f2).append('\n').append(observed).append(f2).append('\n');
        }
        b.append("\n**").append(reporter.tlp().label()).append("**\n");
        return b.toString();
    }

    private static List<String[]> verdictRows(IncidentRecord r) {
        return r.mitigation().byVerdict().entrySet().stream()
                .map(e -> new String[] {e.getKey(), String.format(Locale.ROOT, "%,d", e.getValue())}).toList();
    }

    private static List<String[]> countRows(List<IncidentRecord.Count> counts) {
        return counts.stream().map(c -> new String[] {c.value(), String.format(Locale.ROOT, "%,d", c.requests())}).toList();
    }

    private static final String INDICATORS_NOTE = "Specific to the attack: source networks whose traffic was almost all refused, and user "
            + "agents the site's real visitors do not send.";
    private static final String OBSERVED_NOTE = "Observed in the refused traffic but also used by real visitors (not indicators: "
            + "blocking them would block people):";

    /** What the refused traffic had in common that real visitors send too: listed, never shared as indicators. */
    private static String observed(IncidentRecord.Profile p) {
        StringBuilder b = new StringBuilder();
        for (IncidentRecord.Count c : p.networks()) {
            if (!p.mostlyRefused(c.value())) {
                b.append("network ").append(c.value()).append(" (partly served)\n");
            }
        }
        for (IncidentRecord.Count c : p.userAgents()) {
            if (p.alsoUsedByRealVisitors(c.value())) {
                b.append("user-agent ").append(c.value()).append('\n');
            }
        }
        return b.toString();
    }

    private static String indicators(IncidentRecord.Profile p) {
        StringBuilder b = new StringBuilder();
        for (IncidentRecord.Count c : p.networks()) {
            if (p.mostlyRefused(c.value())) {
                b.append("network ").append(c.value()).append('\n');
            }
        }
        for (IncidentRecord.Count c : p.userAgents()) {
            if (!p.alsoUsedByRealVisitors(c.value())) {
                b.append("user-agent ").append(c.value()).append('\n');
            }
        }
        return b.toString();
    }

    private static void mdTable(StringBuilder b, String[] head, List<String[]> rows) {
        b.append('|');
        for (String h : head) {
            b.append(' ').append(h).append(" |");
        }
        b.append("\n|");
        for (int i = 0; i < head.length; i++) {
            b.append("---|");
        }
        b.append('\n');
        for (String[] row : rows) {
            b.append('|');
            for (String cell : row) {
                b.append(' ').append(md(cell)).append(" |");
            }
            b.append('\n');
        }
    }

    /**
     * Text from clients (user agents, paths) and from the gateway, made inert in Markdown: every
     * character Markdown gives a meaning to is escaped, so a user agent like
     * {@code ![x](http://…)} or {@code [click](…)} renders as the text it is, never as an image or a
     * link, and no bare {@code http:}/{@code www.} becomes a link either.
     */
    static String md(String s) {
        if (s == null) {
            return "";
        }
        StringBuilder b = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '\n':
                case '\r':
                    b.append(' ');
                    break;
                case '<':
                    b.append("&lt;");
                    break;
                case '>':
                    b.append("&gt;");
                    break;
                case '&':
                    b.append("&amp;");
                    break;
                default:
                    if (MD_SPECIAL.indexOf(c) >= 0 || c == '.' && i >= 3 && s.regionMatches(true, i - 3, "www", 0, 3)) {
                        b.append('\\');
                    }
                    b.append(c);
            }
        }
        return b.toString();
    }

    private static final String MD_SPECIAL = "\\`*_[]()!|#~:{}+";

    /** A code fence longer than any run of backticks in {@code text}, so nothing in it can close the block. */
    private static String fence(String text) {
        int longest = 0;
        int run = 0;
        for (int i = 0; i < text.length(); i++) {
            run = text.charAt(i) == '`' ? run + 1 : 0;
            longest = Math.max(longest, run);
        }
        return "`".repeat(Math.max(3, longest + 1));
    }

    // ---------------------------------------------------------------- HTML

    static String html(IncidentRecord r, Instant now, Reporter reporter) {
        StringBuilder b = new StringBuilder(32_768);
        String tlp = "<p class=\"tlp\"><span style=\"color:" + reporter.tlp().colour() + "\">" + h(reporter.tlp().label()) + "</span></p>";
        b.append("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>")
                .append(h(reporter.tlp().label())).append(" Incident report ").append(h(reporter.referenceOf(r.id())))
                .append("</title><style>body{font:14px/1.5 system-ui,sans-serif;max-width:60em;margin:2em auto;padding:0 1em;color:#111}"
                        + "h1{font-size:1.6em}h2{font-size:1.2em;border-bottom:1px solid #ccc;margin-top:1.6em}"
                        + "table{border-collapse:collapse;margin:.5em 0}td,th{border:1px solid #ccc;padding:.2em .5em;text-align:left;vertical-align:top}"
                        + "th{background:#f3f3f3}.summary{background:#f6f8fa;border-left:4px solid #0a58ca;padding:.6em 1em}"
                        + ".warn{border-left-color:#b00}code,pre{font:12px ui-monospace,monospace}pre{background:#f6f8fa;padding:.6em;overflow-x:auto}"
                        + ".tlp{text-align:right;margin:0}.tlp span{background:#000;font-weight:700;padding:.15em .5em;"
                        + "-webkit-print-color-adjust:exact;print-color-adjust:exact}"
                        + ".plain{font-size:1.08em}.chart{width:100%;height:auto;margin:.4em 0 1em;break-inside:avoid}"
                        + "@media print{body{margin:0;max-width:none}h2{page-break-after:avoid}}</style></head><body>");
        b.append(tlp);
        b.append("<h1>Incident report ").append(h(reporter.referenceOf(r.id()))).append("</h1>");
        b.append("<p class=\"plain\" id=\"plain\">").append(h(plain(r, now))).append("</p>");
        htmlTable(b, "header", null, headerRows(r, now, reporter), true);
        b.append("<h2>Summary</h2><p class=\"summary").append(r.egress().suspicious() ? " warn" : "").append("\" id=\"summary\">")
                .append(h(summary(r, now))).append("</p>");
        b.append("<h2>Over time</h2>");
        for (String svg : ReportCharts.render(r)) {
            b.append(svg);
        }
        b.append("<h2>Timeline</h2>");
        htmlTable(b, "timeline", new String[] {"Time", "Kind", "What"}, r.timeline().stream()
                .map(e -> new String[] {time(e.at()), e.kind(), e.text()}).toList(), false);
        b.append("<h2>Figures</h2>");
        htmlTable(b, null, null, figureRows(r.profile()), true);
        b.append("<h2>Actions</h2>");
        htmlTable(b, null, new String[] {"Verdict", "Requests"}, verdictRows(r), false);
        b.append("<p>").append(h(mitigationLine(r))).append("</p>");
        if (!r.rules().isEmpty()) {
            htmlTable(b, null, RULE_HEAD, r.rules().stream().map(Reports::ruleRow).toList(), false);
        }
        b.append("<h2>Sources</h2><p>Refused traffic, estimated from a sample.</p>");
        for (Map.Entry<String, List<IncidentRecord.Count>> t : sourceTables(r.profile())) {
            if (!t.getValue().isEmpty()) {
                b.append("<h3>").append(h(t.getKey())).append("</h3>");
                htmlTable(b, null, new String[] {"Value", "Requests"}, countRows(t.getValue()), false);
            }
        }
        b.append("<h2>Impact on known users</h2><p>").append(h(r.impact().summary())).append("</p>");
        IncidentRecord.Egress e = r.egress();
        b.append("<h2>Data egress</h2><p id=\"egress\">").append(h(e.statement())).append("</p>");
        if (!e.bulk().isEmpty()) {
            htmlTable(b, null, BULK_HEAD, e.bulk().stream().map(Reports::bulkRow).toList(), false);
        }
        b.append("<h2>Indicators</h2><p>").append(h(INDICATORS_NOTE)).append(" The STIX 2.1 bundle: <code>rampart report ")
                .append(h(r.id())).append(" --format stix</code>.</p><pre id=\"indicators\">").append(h(indicators(r.profile()))).append("</pre>");
        String observed = observed(r.profile());
        if (!observed.isEmpty()) {
            b.append("<p>").append(h(OBSERVED_NOTE)).append("</p><pre id=\"observed\">").append(h(observed)).append("</pre>");
        }
        b.append(tlp).append("</body></html>\n");
        return b.toString();
    }

    /** A table; {@code keyed}: the first cell of each row is a header cell. */
    private static void htmlTable(StringBuilder b, String id, String[] head, List<String[]> rows, boolean keyed) {
        b.append(id == null ? "<table>" : "<table id=\"" + id + "\">");
        if (head != null) {
            b.append("<tr>");
            for (String c : head) {
                b.append("<th>").append(h(c)).append("</th>");
            }
            b.append("</tr>");
        }
        for (String[] row : rows) {
            b.append("<tr>");
            for (int i = 0; i < row.length; i++) {
                String tag = keyed && i == 0 ? "th" : "td";
                b.append('<').append(tag).append('>').append(h(row[i])).append("</").append(tag).append('>');
            }
            b.append("</tr>");
        }
        b.append("</table>");
    }

    /** HTML-escapes text (every value in a report comes from attacker-controlled traffic at some point). */
    static String h(String s) {
        return s == null ? "" : io.rampart.challenge.ChallengePage.escape(s);
    }

    // ---------------------------------------------------------------- JSON

    static String json(IncidentRecord r, Instant now, Reporter reporter) {
        ObjectNode o = IncidentJson.MAPPER.createObjectNode();
        o.put("tlp", reporter.tlp().label());
        o.put("reference", reporter.referenceOf(r.id()));
        o.set("reporter", IncidentJson.MAPPER.valueToTree(reporter));
        o.put("whatHappened", plain(r, now));
        o.put("summary", summary(r, now));
        o.put("reportedAt", now.toString());
        o.set("incident", IncidentJson.MAPPER.valueToTree(r));
        o.set("stix", Stix.bundle(r, now, reporter));
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

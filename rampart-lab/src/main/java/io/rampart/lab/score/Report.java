package io.rampart.lab.score;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;

/**
 * Renders a {@link ScenarioResult} three ways from the same figures: a console table, Markdown
 * (for docs/BENCHMARKS.md and for sharing) and JSON (for machines). One row per figure, one column
 * per target.
 */
public final class Report {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

    private Report() {
    }

    public static String json(ScenarioResult r) {
        try {
            return JSON.writeValueAsString(r) + "\n";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ScenarioResult parseJson(String text) {
        try {
            return JSON.readValue(text, ScenarioResult.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String waves(TargetScore t, java.util.function.Function<TargetScore.Wave, String> f) {
        if (t.waves() == null || t.waves().isEmpty()) {
            return "-";
        }
        StringBuilder sb = new StringBuilder();
        for (TargetScore.Wave w : t.waves()) {
            sb.append(sb.length() == 0 ? "" : " / ").append(f.apply(w));
        }
        return sb.toString();
    }

    /** The rows: a label and a formatter per target. */
    static List<Row> rows(ScenarioResult r) {
        List<Row> rows = new ArrayList<>();
        rows.add(new Row("legitimate success (event window)", t -> pct(t.legitOkShare()) + " of " + t.legitRequests()));
        Set<String> personas = new LinkedHashSet<>();
        r.targets().forEach(t -> personas.addAll(t.perPersona().keySet()));
        for (String p : personas) {
            rows.add(new Row("  " + p, t -> {
                KindScore k = t.perPersona().get(p);
                return k == null ? "-" : pct(k.okShare()) + " of " + k.requests();
            }));
        }
        if (personas.contains("staff")) {
            rows.add(new Row("  staff p99 before / during", t -> {
                KindScore k = t.perPersona().get("staff");
                return k == null ? "-" : ms(k.baselineP99Millis()) + " / " + ms(k.p99Millis());
            }));
        }
        rows.add(new Row("legitimate p50 / p99 (window)", t -> ms(t.legitP50Millis()) + " / " + ms(t.legitP99Millis())));
        rows.add(new Row("legitimate p50 / p99 (before onset)", t -> ms(t.baselineP50Millis()) + " / " + ms(t.baselineP99Millis())));
        rows.add(new Row("legitimate clients refused", t -> t.legitClientsRefused() + " of " + t.legitClients()));
        rows.add(new Row("challenges solved (whole run; p99 cost)", t -> {
            KindScore v = t.perPersona().get("visitor");
            return t.challengesSolved() == 0 ? "0" : t.challengesSolved() + " (" + ms(v == null ? null : v.challengeP99Millis()) + ")";
        }));
        rows.add(new Row("flood requests sent", t -> Long.toString(t.attackSent())));
        rows.add(new Row("flood reaching origin", t -> t.attackToOriginShare() == null ? "-"
                : t.attackReachedOrigin() + " (" + pct(t.attackToOriginShare()) + ")"));
        rows.add(new Row("time to mitigate (90% kept off)", t -> t.attackSent() == 0 ? "-"
                : t.timeToMitigateSeconds() == null ? "never" : String.format(Locale.ROOT, "%.0f s", t.timeToMitigateSeconds())));
        if (r.targets().stream().anyMatch(t -> t.waves() != null && t.waves().size() > 1)) {
            rows.add(new Row("flood reaching origin, wave by wave", t -> waves(t, w -> Long.toString(w.reachedOrigin()))));
            rows.add(new Row("time to mitigate, wave by wave", t -> waves(t, w -> w.timeToMitigateSeconds() == null ? "never"
                    : String.format(Locale.ROOT, "%.0f s", w.timeToMitigateSeconds()))));
        }
        rows.add(new Row("origin over capacity", t -> t.originOverCapacitySeconds() + " s"));
        rows.add(new Row("slow connections held (peak)", t -> t.slowConnectionsOpened() == 0 ? "-"
                : t.slowConnectionsHeldMax() + " (" + t.slowConnectionsClosedByTarget() + " cut)"));
        rows.add(new Row("gateway CPU", t -> t.gatewayCpuSeconds() == null ? "-" : String.format(Locale.ROOT, "%.1f s", t.gatewayCpuSeconds())));
        rows.add(new Row("gateway CPU per 1,000 requests", t -> t.gatewayCpuSeconds() == null || t.requestsSent() == 0 ? "-"
                : String.format(Locale.ROOT, "%.0f ms", t.gatewayCpuSeconds() * 1e6 / t.requestsSent())));
        rows.add(new Row("gateway peak RSS", t -> t.gatewayPeakRssMb() == null ? "-" : String.format(Locale.ROOT, "%.0f MB", t.gatewayPeakRssMb())));
        rows.add(new Row("verdict", t -> t.pass() ? "PASS" : "FAIL"));
        return rows;
    }

    public static String table(ScenarioResult r) {
        List<Row> rows = rows(r);
        int labelWidth = rows.stream().mapToInt(x -> x.label.length()).max().orElse(10);
        List<Integer> widths = new ArrayList<>();
        for (TargetScore t : r.targets()) {
            int w = t.target().length();
            for (Row row : rows) {
                w = Math.max(w, row.value.apply(t).length());
            }
            widths.add(w);
        }
        StringBuilder b = new StringBuilder();
        b.append(r.scenario()).append(": ").append(r.summary()).append('\n');
        b.append(pad("", labelWidth));
        for (int i = 0; i < r.targets().size(); i++) {
            b.append("  ").append(padLeft(r.targets().get(i).target(), widths.get(i)));
        }
        b.append('\n');
        for (Row row : rows) {
            b.append(pad(row.label, labelWidth));
            for (int i = 0; i < r.targets().size(); i++) {
                b.append("  ").append(padLeft(row.value.apply(r.targets().get(i)), widths.get(i)));
            }
            b.append('\n');
        }
        appendFailures(b, r, "");
        return b.toString();
    }

    public static String markdown(ScenarioResult r) {
        StringBuilder b = new StringBuilder();
        b.append("### ").append(r.scenario()).append("\n\n").append(r.summary()).append("\n\n");
        b.append(String.format(Locale.ROOT, "%s, %.0f s run, event window %d-%d s, %s, %s.%n%n", r.date(), r.durationSeconds(),
                r.windowFrom(), r.windowTo(), r.version(), r.machine().getOrDefault("summary", "")));
        b.append("| |");
        r.targets().forEach(t -> b.append(' ').append(t.target()).append(" |"));
        b.append("\n|---|");
        r.targets().forEach(t -> b.append("---:|"));
        b.append('\n');
        for (Row row : rows(r)) {
            String label = row.label.startsWith("  ") ? "&nbsp;&nbsp;" + row.label.strip() : row.label;
            b.append("| ").append(label).append(" |");
            r.targets().forEach(t -> b.append(' ').append(row.value.apply(t)).append(" |"));
            b.append('\n');
        }
        b.append('\n');
        appendFailures(b, r, "- ");
        return b.toString();
    }

    private static void appendFailures(StringBuilder b, ScenarioResult r, String bullet) {
        for (TargetScore t : r.targets()) {
            if (!t.pass()) {
                b.append(bullet).append(t.target()).append(" failed: ").append(String.join("; ", t.failures())).append('\n');
            }
        }
        for (String w : r.warnings()) {
            b.append(bullet).append("warning: ").append(w).append('\n');
        }
    }

    static String pct(double share) {
        return String.format(Locale.ROOT, "%.1f%%", share * 100);
    }

    static String ms(Double millis) {
        if (millis == null) {
            return "-";
        }
        return millis < 10 ? String.format(Locale.ROOT, "%.1f ms", millis) : String.format(Locale.ROOT, "%.0f ms", millis);
    }

    private static String pad(String s, int w) {
        return s + " ".repeat(Math.max(0, w - s.length()));
    }

    private static String padLeft(String s, int w) {
        return " ".repeat(Math.max(0, w - s.length())) + s;
    }

    static final class Row {
        final String label;
        final Function<TargetScore, String> value;

        Row(String label, Function<TargetScore, String> value) {
            this.label = label;
            this.value = value;
        }
    }
}

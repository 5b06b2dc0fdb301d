package io.rampart.incident;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * A small time chart as inline SVG, drawn on the server so a report carries its charts in every
 * form it travels in (the HTML page, the printed PDF, an email) without scripts or fonts.
 * Lines or stacked areas over a time axis in UTC, a y axis on a 1-2-5 scale starting at zero,
 * an optional dashed reference line ("before the incident"), a legend, and a {@code <title>} and
 * {@code <desc>} for screen readers. Points whose value is {@code NaN} leave a gap.
 *
 * <p>Every text drawn comes from the gateway (titles, numbers, times), and is escaped anyway.
 */
final class SvgChart {
    static final int WIDTH = 720;
    static final int HEIGHT = 200;
    private static final int LEFT = 56;
    private static final int RIGHT = 12;
    private static final int TOP = 26;
    private static final int BOTTOM = 24;
    private static final DateTimeFormatter CLOCK = DateTimeFormatter.ofPattern("HH:mm:ss").withZone(ZoneOffset.UTC);

    /** One series: a name for the legend, its colour, its values (one per time point). */
    record Line(String name, String colour, double[] values) {
    }

    private final String id;
    private final String title;
    private final String unit;
    private final long[] at;
    private final List<Line> lines = new ArrayList<>();
    private boolean stacked;
    private Double reference;
    private String referenceLabel;
    private double fixedMax;
    private String emptyText = "no data recorded";

    /** A chart with an id (for the page), a title, the unit of its y axis and the times of its points (epoch millis). */
    SvgChart(String id, String title, String unit, long[] at) {
        this.id = id;
        this.title = title;
        this.unit = unit;
        this.at = at;
    }

    SvgChart line(String name, String colour, double[] values) {
        lines.add(new Line(name, colour, values));
        return this;
    }

    /** Lines stack as filled areas, the first at the bottom. */
    SvgChart stacked() {
        stacked = true;
        return this;
    }

    /** A y axis from 0 to {@code max} whatever the data (a percentage). */
    SvgChart upTo(double max) {
        this.fixedMax = max;
        return this;
    }

    /** What the chart says when no point has a value. */
    SvgChart whenEmpty(String text) {
        this.emptyText = text;
        return this;
    }

    /** A dashed horizontal line at {@code value} (ignored when null). */
    SvgChart reference(Double value, String label) {
        this.reference = value;
        this.referenceLabel = label;
        return this;
    }

    String render() {
        StringBuilder b = new StringBuilder(4096);
        b.append("<svg xmlns=\"http://www.w3.org/2000/svg\" class=\"chart\" id=\"").append(esc(id)).append("\" viewBox=\"0 0 ")
                .append(WIDTH).append(' ').append(HEIGHT).append("\" role=\"img\" aria-labelledby=\"").append(esc(id)).append("-t\">");
        b.append("<title id=\"").append(esc(id)).append("-t\">").append(esc(title)).append("</title>");
        b.append("<desc>").append(esc(describe())).append("</desc>");
        b.append("<text x=\"").append(LEFT).append("\" y=\"15\" font-size=\"13\" font-weight=\"600\">").append(esc(title)).append("</text>");
        if (at.length == 0 || !anyValue()) {
            b.append("<text x=\"").append(WIDTH / 2).append("\" y=\"").append(HEIGHT / 2)
                    .append("\" text-anchor=\"middle\" font-size=\"12\" fill=\"#666\">").append(esc(emptyText)).append("</text></svg>");
            return b.toString();
        }
        double[][] tops = tops();
        double max = reference == null ? 0 : reference;
        for (double[] t : tops) {
            for (double v : t) {
                if (!Double.isNaN(v)) {
                    max = Math.max(max, v);
                }
            }
        }
        double yMax = fixedMax > 0 ? fixedMax : niceCeiling(max);
        long t0 = at[0];
        long t1 = Math.max(at[at.length - 1], t0 + 1000);
        axes(b, yMax, t0, t1);
        for (int k = lines.size() - 1; k >= 0; k--) {
            Line l = lines.get(k);
            double[] top = tops[k];
            if (stacked) {
                double[] base = k == 0 ? null : tops[k - 1];
                b.append("<path fill=\"").append(l.colour()).append("\" fill-opacity=\"0.75\" stroke=\"").append(l.colour())
                        .append("\" stroke-width=\"1\" d=\"").append(area(top, base, yMax, t0, t1)).append("\"/>");
            } else {
                b.append("<path fill=\"none\" stroke=\"").append(l.colour()).append("\" stroke-width=\"1.8\" d=\"")
                        .append(path(top, yMax, t0, t1)).append("\"/>");
            }
        }
        if (reference != null) {
            double y = y(reference, yMax);
            b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(f(y)).append("\" y2=\"")
                    .append(f(y)).append("\" stroke=\"#555\" stroke-dasharray=\"5 4\"/>");
        }
        legend(b);
        b.append("</svg>");
        return b.toString();
    }

    private boolean anyValue() {
        for (Line l : lines) {
            for (int i = 0; i < l.values().length && i < at.length; i++) {
                if (!Double.isNaN(l.values()[i])) {
                    return true;
                }
            }
        }
        return false;
    }

    /** The drawn top of each line: its values, or for stacked areas the running sum. */
    private double[][] tops() {
        double[][] tops = new double[lines.size()][];
        for (int k = 0; k < lines.size(); k++) {
            double[] v = lines.get(k).values();
            double[] t = new double[at.length];
            for (int i = 0; i < at.length; i++) {
                double x = i < v.length ? v[i] : Double.NaN;
                t[i] = stacked && k > 0 ? (Double.isNaN(x) ? 0 : x) + tops[k - 1][i] : (stacked && Double.isNaN(x) ? 0 : x);
            }
            tops[k] = t;
        }
        return tops;
    }

    private void axes(StringBuilder b, double yMax, long t0, long t1) {
        for (int g = 0; g <= 4; g++) {
            double v = yMax * g / 4;
            double y = y(v, yMax);
            b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(WIDTH - RIGHT).append("\" y1=\"").append(f(y))
                    .append("\" y2=\"").append(f(y)).append("\" stroke=\"#ddd\"/>");
            b.append("<text x=\"").append(LEFT - 4).append("\" y=\"").append(f(y + 4)).append("\" font-size=\"10\" text-anchor=\"end\" fill=\"#444\">")
                    .append(esc(number(v))).append("</text>");
        }
        b.append("<text x=\"4\" y=\"").append(TOP - 4).append("\" font-size=\"10\" fill=\"#444\">").append(esc(unit)).append("</text>");
        for (int g = 0; g <= 4; g++) {
            long t = t0 + (t1 - t0) * g / 4;
            double x = x(t, t0, t1);
            b.append("<text x=\"").append(f(x)).append("\" y=\"").append(HEIGHT - 6).append("\" font-size=\"10\" text-anchor=\"")
                    .append(g == 0 ? "start" : g == 4 ? "end" : "middle").append("\" fill=\"#444\">")
                    .append(CLOCK.format(Instant.ofEpochMilli(t))).append(g == 4 ? " UTC" : "").append("</text>");
        }
        b.append("<line x1=\"").append(LEFT).append("\" x2=\"").append(LEFT).append("\" y1=\"").append(TOP).append("\" y2=\"")
                .append(HEIGHT - BOTTOM).append("\" stroke=\"#888\"/>");
    }

    private void legend(StringBuilder b) {
        int x = WIDTH - RIGHT;
        List<String[]> items = new ArrayList<>();
        for (Line l : lines) {
            items.add(new String[] {l.name(), l.colour(), ""});
        }
        if (reference != null && referenceLabel != null) {
            items.add(new String[] {referenceLabel, "#555", "5 4"});
        }
        for (int i = items.size() - 1; i >= 0; i--) {
            String[] it = items.get(i);
            int w = 7 * it[0].length() + 22;
            x -= w;
            b.append("<line x1=\"").append(x).append("\" x2=\"").append(x + 14).append("\" y1=\"11\" y2=\"11\" stroke=\"").append(it[1])
                    .append("\" stroke-width=\"").append(it[2].isEmpty() ? "4" : "1.5").append('"')
                    .append(it[2].isEmpty() ? "" : " stroke-dasharray=\"" + it[2] + "\"").append("/>");
            b.append("<text x=\"").append(x + 18).append("\" y=\"15\" font-size=\"11\" fill=\"#222\">").append(esc(it[0])).append("</text>");
        }
    }

    private String path(double[] v, double yMax, long t0, long t1) {
        StringBuilder d = new StringBuilder();
        boolean pen = false;
        for (int i = 0; i < at.length; i++) {
            if (Double.isNaN(v[i])) {
                pen = false;
                continue;
            }
            d.append(pen ? 'L' : 'M').append(f(x(at[i], t0, t1))).append(',').append(f(y(v[i], yMax)));
            pen = true;
        }
        return d.toString();
    }

    private String area(double[] top, double[] base, double yMax, long t0, long t1) {
        StringBuilder d = new StringBuilder();
        for (int i = 0; i < at.length; i++) {
            d.append(i == 0 ? 'M' : 'L').append(f(x(at[i], t0, t1))).append(',').append(f(y(top[i], yMax)));
        }
        for (int i = at.length - 1; i >= 0; i--) {
            d.append('L').append(f(x(at[i], t0, t1))).append(',').append(f(y(base == null ? 0 : base[i], yMax)));
        }
        return d.append('Z').toString();
    }

    /** The chart in one sentence: each line's peak and when. */
    private String describe() {
        if (at.length == 0) {
            return title + ": no data recorded.";
        }
        StringBuilder s = new StringBuilder(title).append(" from ").append(CLOCK.format(Instant.ofEpochMilli(at[0])))
                .append(" to ").append(CLOCK.format(Instant.ofEpochMilli(at[at.length - 1]))).append(" UTC.");
        for (Line l : lines) {
            double peak = Double.NaN;
            int when = -1;
            for (int i = 0; i < l.values().length && i < at.length; i++) {
                if (!Double.isNaN(l.values()[i]) && (Double.isNaN(peak) || l.values()[i] > peak)) {
                    peak = l.values()[i];
                    when = i;
                }
            }
            if (when >= 0) {
                s.append(' ').append(l.name()).append(": highest ").append(number(peak)).append(' ').append(unit).append(" at ")
                        .append(CLOCK.format(Instant.ofEpochMilli(at[when]))).append('.');
            }
        }
        return s.toString();
    }

    private static double x(long t, long t0, long t1) {
        return LEFT + (double) (t - t0) / (t1 - t0) * (WIDTH - LEFT - RIGHT);
    }

    private static double y(double v, double yMax) {
        return HEIGHT - BOTTOM - v / yMax * (HEIGHT - BOTTOM - TOP);
    }

    /** The smallest 1, 2 or 5 times a power of ten at or above {@code v} (1 for nothing). */
    static double niceCeiling(double v) {
        if (!(v > 0)) {
            return 1;
        }
        double p = Math.pow(10, Math.floor(Math.log10(v)));
        for (double m : new double[] {1, 2, 5, 10}) {
            if (m * p >= v * (1 - 1e-9)) {
                return m * p;
            }
        }
        return 10 * p;
    }

    static String number(double v) {
        if (v >= 1_000_000) {
            return String.format(Locale.ROOT, "%.1fM", v / 1_000_000);
        }
        if (v >= 10_000) {
            return String.format(Locale.ROOT, "%.0fk", v / 1000);
        }
        if (v == Math.rint(v)) {
            return String.format(Locale.ROOT, "%,.0f", v);
        }
        return String.format(Locale.ROOT, v < 10 ? "%.2f" : "%.1f", v);
    }

    private static String f(double v) {
        return String.format(Locale.ROOT, "%.1f", v);
    }

    private static String esc(String s) {
        return io.rampart.challenge.ChallengePage.escape(s);
    }
}

package io.rampart.server.admin;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Each rule's matches over time, for the console's "rule hits" chart: per site and rule, matches
 * by the second for an hour, by the minute for a day and by the hour for 30 days.
 *
 * <p>Design: each resolution is a ring indexed by time ({@code bucket % size}) with the bucket it
 * holds beside each slot, so adding is two array writes, a slot from a past lap reads as zero, and
 * no clean-up runs. A line costs about 92 KB and is made on a rule's first match; a site keeps at
 * most {@value #MAX_RULES} lines, and a new rule beyond that replaces the one whose last match is
 * oldest (rules come and go with attacks; a rule that has not matched for long is the least
 * interesting). {@link History} owns it, under its lock, and writes it into the same database:
 * table {@code rule_point}, only the buckets that changed since the last write.
 */
final class RuleLines {
    static final int MAX_RULES = 32;
    /** Bucket widths in seconds and how many of each are kept: an hour of seconds, a day of minutes, 30 days of hours. */
    static final int[] WIDTH = {1, 60, 3_600};
    static final int[] SIZE = {3_600, 1_440, 720};
    private static final String[] RES = {"s", "m", "h"};

    private static final class Line {
        final long[][] bucket = new long[WIDTH.length][];
        final double[][] n = new double[WIDTH.length][];
        long lastMatch;

        Line() {
            for (int r = 0; r < WIDTH.length; r++) {
                bucket[r] = new long[SIZE[r]];
                java.util.Arrays.fill(bucket[r], -1);
                n[r] = new double[SIZE[r]];
            }
        }

        void add(int r, long bucketNo, double count) {
            int i = (int) (bucketNo % SIZE[r]);
            if (bucket[r][i] != bucketNo) {
                bucket[r][i] = bucketNo;
                n[r][i] = 0;
            }
            n[r][i] += count;
        }

        double get(int r, long bucketNo) {
            int i = (int) (bucketNo % SIZE[r]);
            return bucket[r][i] == bucketNo ? n[r][i] : 0;
        }
    }

    private final Map<String, Map<String, Line>> sites = new HashMap<>();

    /** {@code count} matches of {@code rule} in the second ending at {@code epochSecond}. */
    void add(String site, String rule, long epochSecond, double count) {
        if (!(count > 0)) {
            return;
        }
        Map<String, Line> lines = sites.computeIfAbsent(site, k -> new LinkedHashMap<>());
        Line line = lines.get(rule);
        if (line == null) {
            if (lines.size() >= MAX_RULES) {
                String stalest = null;
                long oldest = Long.MAX_VALUE;
                for (Map.Entry<String, Line> e : lines.entrySet()) {
                    if (e.getValue().lastMatch < oldest) {
                        oldest = e.getValue().lastMatch;
                        stalest = e.getKey();
                    }
                }
                lines.remove(stalest);
            }
            line = new Line();
            lines.put(rule, line);
        }
        for (int r = 0; r < WIDTH.length; r++) {
            line.add(r, epochSecond / WIDTH[r], count);
        }
        line.lastMatch = Math.max(line.lastMatch, epochSecond);
    }

    /**
     * Matches per second of each rule that matched in the range, one value per point of
     * {@code width} seconds (1, 60 or 3600) from {@code from} (exclusive) to {@code now}: the
     * points' end times go into {@code times} (filled once, for every rule alike).
     */
    Map<String, List<Double>> read(String site, int width, long from, long now, List<Long> times) {
        int r = width == 1 ? 0 : width == 60 ? 1 : 2;
        long first = from / width + 1;
        long last = now / width;
        times.clear();
        for (long b = first; b <= last; b++) {
            times.add(b * width + width - 1);
        }
        Map<String, List<Double>> out = new LinkedHashMap<>();
        Map<String, Line> lines = sites.get(site);
        if (lines == null) {
            return out;
        }
        for (Map.Entry<String, Line> e : lines.entrySet()) {
            if (e.getValue().lastMatch <= from) {
                continue;
            }
            List<Double> values = new ArrayList<>((int) (last - first + 1));
            for (long b = first; b <= last; b++) {
                values.add(Math.round(e.getValue().get(r, b) / width * 1e6) / 1e6); // six decimals: a few matches in an hour still add up
            }
            out.put(e.getKey(), values);
        }
        return out;
    }

    static void createTable(java.sql.Statement s) throws SQLException {
        s.execute("CREATE TABLE IF NOT EXISTS rule_point (site TEXT NOT NULL, rule TEXT NOT NULL, res TEXT NOT NULL, t INTEGER NOT NULL,"
                + " n REAL NOT NULL, PRIMARY KEY (site, rule, res, t))");
    }

    /** The buckets touched since {@code sinceSecond} (exclusive), as rows {site, rule, res, bucket start, count}, to write. */
    List<Object[]> changedSince(long sinceSecond) {
        List<Object[]> rows = new ArrayList<>();
        for (Map.Entry<String, Map<String, Line>> s : sites.entrySet()) {
            for (Map.Entry<String, Line> e : s.getValue().entrySet()) {
                Line line = e.getValue();
                if (line.lastMatch <= sinceSecond) {
                    continue;
                }
                for (int r = 0; r < WIDTH.length; r++) {
                    long end = line.lastMatch / WIDTH[r];
                    for (long b = Math.max(sinceSecond / WIDTH[r], end - SIZE[r] + 1); b <= end; b++) {
                        double v = line.get(r, b);
                        if (v > 0) {
                            rows.add(new Object[] {s.getKey(), e.getKey(), RES[r], b * WIDTH[r], v});
                        }
                    }
                }
            }
        }
        return rows;
    }

    static void write(Connection db, List<Object[]> rows, long nowSecond) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("INSERT OR REPLACE INTO rule_point (site, rule, res, t, n) VALUES (?, ?, ?, ?, ?)")) {
            for (Object[] row : rows) {
                p.setString(1, (String) row[0]);
                p.setString(2, (String) row[1]);
                p.setString(3, (String) row[2]);
                p.setLong(4, (Long) row[3]);
                p.setDouble(5, (Double) row[4]);
                p.addBatch();
            }
            p.executeBatch();
        }
        try (PreparedStatement d = db.prepareStatement("DELETE FROM rule_point WHERE res = ? AND t <= ?")) {
            for (int r = 0; r < WIDTH.length; r++) {
                d.setString(1, RES[r]);
                d.setLong(2, nowSecond - (long) WIDTH[r] * SIZE[r]);
                d.addBatch();
            }
            d.executeBatch();
        }
    }

    /** Reads back what a previous run wrote, newer than each ring reaches; returns the rows that did not make sense. */
    int load(Connection db, long nowSecond) throws SQLException {
        int skipped = 0;
        try (PreparedStatement p = db.prepareStatement("SELECT site, rule, res, t, n FROM rule_point ORDER BY t")) {
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    int r = java.util.Arrays.asList(RES).indexOf(rs.getString(3));
                    long t = rs.getLong(4);
                    double n = rs.getDouble(5);
                    String site = rs.getString(1);
                    String rule = rs.getString(2);
                    if (r < 0 || site == null || rule == null || !(n > 0) || Double.isInfinite(n) || t < 0 || t % WIDTH[r] != 0) {
                        skipped++;
                        continue;
                    }
                    if (t <= nowSecond - (long) WIDTH[r] * SIZE[r] || t > nowSecond) {
                        continue;
                    }
                    Line line = sites.computeIfAbsent(site, k -> new LinkedHashMap<>()).get(rule);
                    if (line == null) {
                        Map<String, Line> lines = sites.get(site);
                        if (lines.size() >= MAX_RULES) {
                            skipped++;
                            continue;
                        }
                        line = new Line();
                        lines.put(rule, line);
                    }
                    long b = t / WIDTH[r];
                    int i = (int) (b % SIZE[r]);
                    line.bucket[r][i] = b;
                    line.n[r][i] = n;
                    if (r == 0 || line.lastMatch < t) {
                        line.lastMatch = Math.max(line.lastMatch, r == 0 ? t : Math.min(nowSecond, t + WIDTH[r] - 1));
                    }
                }
            }
        }
        return skipped;
    }
}

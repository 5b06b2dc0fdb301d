package io.rampart.server.admin;

import io.rampart.mitigate.Verdict;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Each site's traffic over the last hour by the second and the last 30 days by the minute, in
 * fixed memory and, with a data directory, in {@code DATA_DIR/history.db} (SQLite) so that a
 * restart keeps it. Fed once a second by {@link LiveRates} with the counts of that second (requests
 * by verdict, origin answers and their time, origin errors, the node's kernel drops, known users'
 * requests and failures, distinct sources) and each rule's matches ({@link RuleLines}); the minute
 * rows are sums of their seconds, so both resolutions agree. Counts are stored, rates derived on
 * reading: a rate is a count over a point's width, one definition everywhere.
 *
 * <p>Memory: 3,600 second points and 43,200 minute points of {@value #COLUMNS_COUNT} numbers per
 * site (about 6 MB a site), and {@link RuleLines} for the rules. The database is written from a thread of its own, every ten seconds
 * and at close; rows older than the rings are deleted as they are written. A database that cannot
 * be opened or written is logged once and the history stays in memory.
 */
final class History implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(History.class);
    static final int SECONDS = 3_600;
    static final int MINUTES = 30 * 24 * 60;
    private static final Verdict[] VERDICTS = Verdict.values();
    /**
     * The columns of a point: one per verdict, then origin answers, their nanoseconds, origin
     * errors, kernel drops (the node's), known users' requests and those that failed, and distinct
     * sources (each second's count, so a point's sum over its width is the average).
     */
    static final List<String> COLUMNS;
    static final int COLUMNS_COUNT;

    static {
        List<String> c = new ArrayList<>();
        for (Verdict v : VERDICTS) {
            c.add(v.label());
        }
        c.addAll(List.of("originAnswers", "originNanos", "originErrors", "kernelDropped", "known", "knownFailed", "sources"));
        COLUMNS = List.copyOf(c);
        COLUMNS_COUNT = c.size();
    }

    private static final int ANSWERS = VERDICTS.length;
    private static final int NANOS = ANSWERS + 1;
    private static final int ERRORS = ANSWERS + 2;
    private static final int KERNEL = ANSWERS + 3;
    private static final int KNOWN = ANSWERS + 4;
    private static final int KNOWN_FAILED = ANSWERS + 5;
    private static final int SOURCES = ANSWERS + 6;
    /** Points written before known users and sources were kept have this many columns; they read back with those at zero. */
    static final int OLD_COLUMNS_COUNT = VERDICTS.length + 4;

    /** A ring of points {@code width} seconds wide, oldest overwritten. */
    private static final class Ring {
        final long[] t;
        final double[][] v;
        int count;

        Ring(int size) {
            t = new long[size];
            v = new double[size][];
        }

        void put(long at, double[] values) {
            int i = count % t.length;
            t[i] = at;
            v[i] = values;
            count++;
        }

        int size() {
            return Math.min(count, t.length);
        }

        /** The {@code k}-th point from the oldest kept. */
        int index(int k) {
            return (count - size() + k) % t.length;
        }
    }

    private static final class SiteHistory {
        final Ring seconds = new Ring(SECONDS);
        final Ring minutes = new Ring(MINUTES);
        long minute = -1;
        double[] minuteSum;
    }

    private final Map<String, SiteHistory> sites = new HashMap<>();
    private final RuleLines rules = new RuleLines();
    /** The newest second whose rule matches were handed to the writer. */
    private long rulesWritten;
    private final Connection db;
    private final ExecutorService writer;
    private final List<Object[]> pendingSeconds = new ArrayList<>();
    private final List<Object[]> pendingMinutes = new ArrayList<>();
    private long lastFlush;
    /** The newest second added: what is older than the rings reach is pruned from it, not from the wall clock. */
    private long newest;

    /** A history kept in memory only. */
    static History inMemory() {
        return new History(null);
    }

    /** A history kept in {@code dir/history.db} too, loaded from it now (an unusable file: memory only, logged). */
    static History in(Path dir) {
        return in(dir, System.currentTimeMillis() / 1000);
    }

    /** As {@link #in(Path)}, loading as of {@code nowSecond} (tests). */
    static History in(Path dir, long nowSecond) {
        Connection c = null;
        try {
            java.nio.file.Files.createDirectories(dir);
            c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db").toAbsolutePath());
            try (Statement s = c.createStatement()) {
                s.execute("PRAGMA journal_mode = WAL");
                s.execute("PRAGMA busy_timeout = 5000");
                for (String table : List.of("second", "minute")) {
                    s.execute("CREATE TABLE IF NOT EXISTS " + table + " (site TEXT NOT NULL, t INTEGER NOT NULL, v TEXT NOT NULL, PRIMARY KEY (site, t))");
                }
                RuleLines.createTable(s);
            }
        } catch (Exception e) {
            LOG.error("traffic history: cannot use {} ({}); the dashboard's history is kept in memory only", dir.resolve("history.db"), e.getMessage());
            c = null;
        }
        History h = new History(c);
        h.load(nowSecond);
        return h;
    }

    private History(Connection db) {
        this.db = db;
        this.writer = db == null ? null : Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, "rampart-history");
            t.setDaemon(true);
            return t;
        });
    }

    /** One second of one site's counts, ending at {@code epochSecond}. */
    synchronized void add(String site, long epochSecond, double[] counts) {
        SiteHistory h = sites.computeIfAbsent(site, k -> new SiteHistory());
        newest = Math.max(newest, epochSecond);
        h.seconds.put(epochSecond, counts);
        long minute = epochSecond / 60 * 60;
        if (h.minute != minute) {
            if (h.minuteSum != null) {
                h.minutes.put(h.minute + 59, h.minuteSum); // a point's time is its last second
                pendingMinutes.add(new Object[] {site, h.minute + 59, h.minuteSum});
            }
            h.minute = minute;
            h.minuteSum = new double[COLUMNS_COUNT];
        }
        for (int c = 0; c < COLUMNS_COUNT; c++) {
            h.minuteSum[c] += counts[c];
        }
        if (db != null) {
            pendingSeconds.add(new Object[] {site, epochSecond, counts});
            if (epochSecond - lastFlush >= 10) {
                lastFlush = epochSecond;
                flushLater(epochSecond);
            }
        }
    }

    /** The matches of each of a site's rules in the second ending at {@code epochSecond}. */
    synchronized void addRules(String site, long epochSecond, Map<String, Double> matches) {
        newest = Math.max(newest, epochSecond);
        for (Map.Entry<String, Double> e : matches.entrySet()) {
            rules.add(site, e.getKey(), epochSecond, e.getValue());
        }
    }

    /**
     * A site's history over {@code range}: {@code 1h} by the second, {@code 24h} by the minute,
     * {@code 30d} by the hour (minutes summed). The last minute or hour is the one still running,
     * counted as far as it got (so its rate reads low until it is over). Columns as the dashboard's live series: time (epoch
     * seconds, the end of each point), requests per second by verdict, origin latency (ms, null
     * without answers), origin errors per second, kernel drops per second (the node's), known
     * users' success in percent (null without known users), distinct sources (average per second),
     * and {@code rules}: each rule that matched in the range, its matches per second on a time
     * axis of its own ({@code rules.time}, every point of the range, matched or not).
     *
     * @throws IllegalArgumentException for another range
     */
    synchronized Map<String, Object> read(String site, String range, long nowSecond) {
        SiteHistory h = sites.get(site);
        List<long[]> times = new ArrayList<>();
        List<double[]> values = new ArrayList<>();
        long width;
        switch (range) {
            case "1h":
                width = 1;
                collect(h == null ? null : h.seconds, null, nowSecond - 3_600, 1, times, values);
                break;
            case "24h":
                width = 60;
                collect(h == null ? null : h.minutes, running(h), nowSecond - 86_400, 1, times, values);
                break;
            case "30d":
                width = 3_600;
                collect(h == null ? null : h.minutes, running(h), nowSecond - 30L * 86_400, 60, times, values);
                break;
            default:
                throw new IllegalArgumentException("range: expected 1h, 24h or 30d, got '" + range + "'");
        }
        List<Long> t = new ArrayList<>();
        Map<String, List<Double>> byVerdict = new LinkedHashMap<>();
        for (Verdict v : VERDICTS) {
            byVerdict.put(v.label(), new ArrayList<>());
        }
        List<Double> latency = new ArrayList<>();
        List<Double> errors = new ArrayList<>();
        List<Double> kernel = new ArrayList<>();
        List<Double> knownSuccess = new ArrayList<>();
        List<Double> sources = new ArrayList<>();
        for (int i = 0; i < times.size(); i++) {
            double[] v = values.get(i);
            t.add(times.get(i)[0]);
            for (Verdict x : VERDICTS) {
                byVerdict.get(x.label()).add(round(v[x.ordinal()] / width));
            }
            latency.add(v[ANSWERS] > 0 ? round(v[NANOS] / v[ANSWERS] / 1e6) : null);
            errors.add(round(v[ERRORS] / width));
            kernel.add(round(v[KERNEL] / width));
            knownSuccess.add(v[KNOWN] > 0 ? Math.round(1000 * (1 - Math.min(v[KNOWN], v[KNOWN_FAILED]) / v[KNOWN])) / 10.0 : null);
            sources.add(round(v[SOURCES] / width));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("site", site);
        out.put("range", range);
        out.put("pointSeconds", width);
        out.put("time", t);
        out.put("requestsPerSecond", byVerdict);
        out.put("originLatencyMs", latency);
        out.put("originErrorsPerSecond", errors);
        out.put("droppedInKernelPerSecond", kernel);
        out.put("knownSuccessPercent", knownSuccess);
        out.put("sources", sources);
        List<Long> ruleTimes = new ArrayList<>();
        Map<String, List<Double>> ruleRates = rules.read(site, (int) width, nowSecond - ("1h".equals(range) ? 3_600 : "24h".equals(range) ? 86_400 : 30L * 86_400),
                nowSecond, ruleTimes);
        Map<String, Object> r = new LinkedHashMap<>();
        r.put("time", ruleTimes);
        r.put("matchesPerSecond", ruleRates);
        out.put("rules", r);
        return out;
    }

    /** The minute still being added up, as a point (time, counts), or null. */
    private static Object[] running(SiteHistory h) {
        return h == null || h.minuteSum == null ? null : new Object[] {h.minute + 59, h.minuteSum.clone()};
    }

    /**
     * Points of {@code ring} after {@code from}, then {@code last} (the running minute, null for
     * none), summed {@code group} at a time (each group's time: its last point's).
     */
    private static void collect(Ring ring, Object[] running, long from, int group, List<long[]> times, List<double[]> values) {
        if (ring == null) {
            return;
        }
        int n = ring.size() + (running == null ? 0 : 1);
        double[] sum = null;
        long groupKey = Long.MIN_VALUE;
        long last = 0;
        for (int k = 0; k < n; k++) {
            boolean isRunning = k == ring.size();
            long at = isRunning ? (Long) running[0] : ring.t[ring.index(k)];
            double[] point = isRunning ? (double[]) running[1] : ring.v[ring.index(k)];
            if (at <= from) {
                continue;
            }
            long key = group == 1 ? at : at / (group * 60L);
            if (sum != null && key != groupKey) {
                times.add(new long[] {last});
                values.add(sum);
                sum = null;
            }
            if (sum == null) {
                sum = new double[COLUMNS_COUNT];
                groupKey = key;
            }
            for (int c = 0; c < COLUMNS_COUNT; c++) {
                sum[c] += point[c];
            }
            last = at;
        }
        if (sum != null) {
            times.add(new long[] {last});
            values.add(sum);
        }
    }

    private void flushLater(long nowSecond) {
        List<Object[]> seconds = new ArrayList<>(pendingSeconds);
        List<Object[]> minutes = new ArrayList<>(pendingMinutes);
        List<Object[]> ruleRows = rules.changedSince(rulesWritten);
        rulesWritten = nowSecond - 1; // the last second may still be added to; it is written again next time
        pendingSeconds.clear();
        pendingMinutes.clear();
        try {
            writer.execute(() -> write(seconds, minutes, ruleRows, nowSecond));
        } catch (java.util.concurrent.RejectedExecutionException closed) {
            // closing: close() writes what is left
        }
    }

    private void write(List<Object[]> seconds, List<Object[]> minutes, List<Object[]> ruleRows, long nowSecond) {
        try {
            db.setAutoCommit(false);
            insert("second", seconds);
            insert("minute", minutes);
            RuleLines.write(db, ruleRows, nowSecond);
            try (PreparedStatement s = db.prepareStatement("DELETE FROM second WHERE t <= ?");
                 PreparedStatement m = db.prepareStatement("DELETE FROM minute WHERE t <= ?")) {
                s.setLong(1, nowSecond - SECONDS);
                s.executeUpdate();
                m.setLong(1, nowSecond - MINUTES * 60L);
                m.executeUpdate();
            }
            db.commit();
        } catch (SQLException e) {
            LOG.warn("traffic history: could not write {} points: {}", seconds.size() + minutes.size(), e.getMessage());
            try {
                db.rollback();
            } catch (SQLException ignored) {
                // the connection is gone too; the next flush will say so again
            }
        }
    }

    private void insert(String table, List<Object[]> rows) throws SQLException {
        try (PreparedStatement p = db.prepareStatement("INSERT OR REPLACE INTO " + table + " (site, t, v) VALUES (?, ?, ?)")) {
            for (Object[] r : rows) {
                p.setString(1, (String) r[0]);
                p.setLong(2, (Long) r[1]);
                p.setString(3, encode((double[]) r[2]));
                p.addBatch();
            }
            p.executeBatch();
        }
    }

    /** Reads back what a previous run kept, newer than the rings reach; a row that does not parse is skipped. */
    private synchronized void load(long nowSecond) {
        if (db == null) {
            return;
        }
        int skipped = 0;
        for (String table : List.of("minute", "second")) {
            long from = nowSecond - ("second".equals(table) ? SECONDS : MINUTES * 60L);
            try (PreparedStatement p = db.prepareStatement("SELECT site, t, v FROM " + table + " WHERE t > ? ORDER BY t")) {
                p.setLong(1, from);
                try (ResultSet r = p.executeQuery()) {
                    while (r.next()) {
                        double[] v = decode(r.getString(3));
                        if (v == null) {
                            skipped++;
                            continue;
                        }
                        SiteHistory h = sites.computeIfAbsent(r.getString(1), k -> new SiteHistory());
                        ("second".equals(table) ? h.seconds : h.minutes).put(r.getLong(2), v);
                    }
                }
            } catch (SQLException e) {
                LOG.warn("traffic history: could not read the {} table: {}", table, e.getMessage());
            }
        }
        try {
            skipped += rules.load(db, nowSecond);
        } catch (SQLException e) {
            LOG.warn("traffic history: could not read the rule matches: {}", e.getMessage());
        }
        if (skipped > 0) {
            LOG.warn("traffic history: {} stored points did not parse and were skipped", skipped);
        }
        long current = nowSecond / 60 * 60 + 59;
        for (SiteHistory h : sites.values()) { // the minute a restart interrupted goes on adding up, not written over
            Ring m = h.minutes;
            if (m.size() > 0 && m.t[m.index(m.size() - 1)] == current) {
                int last = m.index(m.size() - 1);
                h.minute = current - 59;
                h.minuteSum = m.v[last];
                m.count--;
            }
        }
    }

    static String encode(double[] v) {
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < v.length; i++) {
            if (i > 0) {
                b.append(',');
            }
            b.append(v[i] == Math.rint(v[i]) ? Long.toString((long) v[i]) : Double.toString(v[i]));
        }
        return b.toString();
    }

    /**
     * The numbers of a stored point, or null when it is not {@link #COLUMNS_COUNT} (or, written by
     * an older version, {@link #OLD_COLUMNS_COUNT}) finite non-negative numbers.
     */
    static double[] decode(String s) {
        if (s == null) {
            return null;
        }
        String[] f = s.split(",", -1);
        if (f.length != COLUMNS_COUNT && f.length != OLD_COLUMNS_COUNT) {
            return null;
        }
        double[] v = new double[COLUMNS_COUNT];
        try {
            for (int i = 0; i < f.length; i++) {
                v[i] = Double.parseDouble(f[i]);
                if (!(v[i] >= 0) || Double.isInfinite(v[i])) {
                    return null;
                }
            }
        } catch (NumberFormatException e) {
            return null;
        }
        return v;
    }

    /** Four decimals: a minute or an hour with a handful of requests still reads as more than none. */
    private static double round(double v) {
        return Math.round(v * 10_000) / 10_000.0;
    }

    /** Writes what is pending (the current minute too) and closes the database. */
    @Override
    public void close() {
        if (db == null) {
            return;
        }
        List<Object[]> seconds;
        List<Object[]> minutes;
        List<Object[]> ruleRows;
        long now;
        synchronized (this) {
            now = newest > 0 ? newest : System.currentTimeMillis() / 1000;
            for (Map.Entry<String, SiteHistory> e : sites.entrySet()) {
                if (e.getValue().minuteSum != null) {
                    pendingMinutes.add(new Object[] {e.getKey(), e.getValue().minute + 59, e.getValue().minuteSum.clone()});
                }
            }
            seconds = new ArrayList<>(pendingSeconds);
            minutes = new ArrayList<>(pendingMinutes);
            ruleRows = rules.changedSince(rulesWritten);
            pendingSeconds.clear();
            pendingMinutes.clear();
        }
        writer.shutdown();
        try {
            writer.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        write(seconds, minutes, ruleRows, now);
        try {
            db.close();
        } catch (SQLException ignored) {
            // closing anyway
        }
    }
}

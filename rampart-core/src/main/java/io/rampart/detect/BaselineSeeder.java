package io.rampart.detect;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.rampart.config.RampartConfig;
import io.rampart.config.SiteConfig;
import io.rampart.mitigate.Policy;
import io.rampart.mitigate.PolicyHolder;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.Dimension;
import io.rampart.traffic.DistinctCounter;
import io.rampart.traffic.FeatureHasher;
import io.rampart.traffic.RequestFeatures;
import io.rampart.traffic.TrafficRecorder;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Seeds baselines from an access log, so that a new installation does not start cold: Rampart's
 * own JSON access log, or the "combined" format nginx and Apache write by default.
 *
 * <p>Each line becomes a request along every dimension it tells (address, networks, user agent,
 * path, query, method); the header fingerprint is not in any log, so it is left unknown and
 * counts as matching every rule when collateral is estimated (an overestimate, never an
 * underestimate), until live traffic has taught it. Lines are grouped into ticks by their
 * timestamps and learned in order, quiet ticks included. Refused requests (a Rampart verdict
 * other than allow, or a 429/403/444 status) are not learned: they may be an old attack. Lines that
 * cannot be read are counted and skipped, the first one reported.
 */
public final class BaselineSeeder {
    /** At most this many lines are kept (the most recent); older ones are counted as skipped. */
    static final int MAX_LINES = 2_000_000;
    /** At most the last 31 days of a log are learned. */
    static final long MAX_SPAN_MILLIS = 31L * 24 * 3600 * 1000;
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final Pattern COMBINED = Pattern.compile(
            "^(\\S+) \\S+ \\S+ \\[([^\\]]+)\\] \"(\\S+) (\\S+)(?: [^\"]*)?\" (\\d{3}) \\S+(?: \"[^\"]*\" \"([^\"]*)\")?.*$");
    private static final DateTimeFormatter COMBINED_TIME = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);

    /** What a seeding read and learned. */
    public record Report(long lines, long learned, long refusedNotLearned, long unreadable, String firstProblem,
                         Map<String, Long> ticksBySite, Path stateFile) {
    }

    private record Entry(long millis, long[] row) {
    }

    private BaselineSeeder() {
    }

    /**
     * Reads {@code log} and learns it into the baselines kept in {@code config}'s state directory.
     * Lines without a site (the combined format) go to {@code defaultSite}; {@code zone} gives the
     * hour of the day for the hourly profile. Must not run while a gateway uses the same directory.
     */
    public static Report seed(RampartConfig config, Path log, String defaultSite, ZoneId zone) throws IOException {
        if (config.detection().stateDir() == null) {
            throw new IllegalArgumentException("detection.stateDir is not set: there is nowhere to keep a baseline");
        }
        StateStore store = StateStore.open(Path.of(config.detection().stateDir()));
        FeatureHasher hasher = store.hasher();
        Map<String, List<Entry>> bySite = new LinkedHashMap<>();
        for (SiteConfig s : config.sites()) {
            bySite.put(s.name(), new ArrayList<>());
        }
        if (defaultSite != null && !bySite.containsKey(defaultSite)) {
            throw new IllegalArgumentException("no site named '" + defaultSite + "' in the configuration; sites: "
                    + String.join(", ", bySite.keySet()));
        }
        long lines = 0;
        long refused = 0;
        long unreadable = 0;
        long kept = 0;
        String firstProblem = null;
        RequestFeatures features = new RequestFeatures(hasher);
        try (BufferedReader in = Files.newBufferedReader(log, StandardCharsets.UTF_8)) {
            String line;
            while ((line = in.readLine()) != null) {
                lines++;
                if (line.isBlank()) {
                    continue;
                }
                String problem;
                try {
                    Parsed p = line.charAt(0) == '{' ? json(line, defaultSite) : combined(line, defaultSite);
                    if (p.refused) {
                        refused++;
                        continue;
                    }
                    List<Entry> site = bySite.get(p.site);
                    problem = site == null ? "site '" + p.site + "' is not in the configuration" : null;
                    if (problem == null) {
                        site.add(new Entry(p.millis, row(features, p)));
                        kept++;
                        continue;
                    }
                } catch (RuntimeException e) {
                    problem = e.getMessage() == null ? e.toString() : e.getMessage();
                }
                unreadable++;
                if (firstProblem == null) {
                    firstProblem = "line " + lines + ": " + problem;
                }
            }
        }
        long dropped = 0;
        for (List<Entry> entries : bySite.values()) {
            entries.sort((a, b) -> Long.compare(a.millis, b.millis));
        }
        if (kept > MAX_LINES) {
            dropped = trimToNewest(bySite, kept - MAX_LINES);
        }
        Map<String, Long> ticks = new LinkedHashMap<>();
        List<ControlPlane.SiteSpec> specs = new ArrayList<>();
        for (SiteConfig s : config.sites()) {
            specs.add(new ControlPlane.SiteSpec(s.name(), specs.size(), new TrafficRecorder(), () -> false, s.pin()));
        }
        long learned = 0;
        try (ControlPlane plane = new ControlPlane(config.detection(), specs, new PolicyHolder(Policy.quiet(specs.size())),
                Clock.systemUTC(), store, null)) {
            long tickMillis = Math.max(1, config.detection().tick().toMillis());
            for (Map.Entry<String, List<Entry>> e : bySite.entrySet()) {
                List<Entry> entries = e.getValue();
                if (entries.isEmpty()) {
                    continue;
                }
                Baseline b = plane.site(e.getKey()).baseline;
                long before = b.ticks();
                learn(b, entries, tickMillis, zone);
                ticks.put(e.getKey(), b.ticks() - before);
                learned += entries.size();
            }
        }
        return new Report(lines, learned, refused, unreadable + dropped, firstProblem, ticks, store.file());
    }

    private static long trimToNewest(Map<String, List<Entry>> bySite, long excess) {
        long dropped = 0;
        while (dropped < excess) {
            List<Entry> oldest = null;
            for (List<Entry> l : bySite.values()) {
                if (!l.isEmpty() && (oldest == null || l.get(0).millis < oldest.get(0).millis)) {
                    oldest = l;
                }
            }
            int n = (int) Math.min(excess - dropped, oldest.size());
            oldest.subList(0, n).clear();
            dropped += n;
        }
        return dropped;
    }

    private static void learn(Baseline b, List<Entry> entries, long tickMillis, ZoneId zone) {
        TrafficRecorder.Tick t = new TrafficRecorder.Tick();
        SplittableRandom random = new SplittableRandom(entries.size());
        DistinctCounter sources = new DistinctCounter();
        double seconds = tickMillis / 1000.0;
        // at most the last MAX_SPAN of the log: a stray timestamp years back must not mean years of ticks
        long first = Math.max(entries.get(0).millis, entries.get(entries.size() - 1).millis - MAX_SPAN_MILLIS);
        long start = first - Math.floorMod(first, tickMillis);
        int i = 0;
        while (entries.get(i).millis < start) {
            i++;
        }
        for (long tick = start; i < entries.size(); tick += tickMillis) {
            int from = i;
            while (i < entries.size() && entries.get(i).millis < tick + tickMillis) {
                i++;
            }
            int n = i - from;
            sources.clear();
            int sampled = Math.min(n, TrafficRecorder.SLOTS);
            for (int k = 0; k < sampled; k++) {
                // a uniform sample when a tick holds more than the ring would
                Entry e = entries.get(from + (n > TrafficRecorder.SLOTS ? random.nextInt(n) : k));
                System.arraycopy(e.row, 0, t.samples, k * TrafficRecorder.FIELDS, TrafficRecorder.FIELDS);
            }
            for (int k = from; k < i; k++) {
                sources.add(entries.get(k).row[Dimension.CLIENT.ordinal()]);
            }
            t.requests = n;
            t.sampled = sampled;
            t.distinctSources = sources.estimate();
            t.originAnswers = 0;
            int hour = Instant.ofEpochMilli(tick).atZone(zone).getHour();
            b.learn(t, n / seconds, hour);
        }
    }

    private static long[] row(RequestFeatures f, Parsed p) {
        HttpRequest head = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.valueOf(p.method), p.target);
        if (p.userAgent != null) {
            head.headers().set("User-Agent", p.userAgent);
        }
        f.fill(ClientAddress.parse(p.client), head, p.target);
        long[] row = new long[TrafficRecorder.FIELDS];
        for (int d = 0; d < Dimension.COUNT; d++) {
            row[d] = f.value(d);
        }
        row[Dimension.FINGERPRINT.ordinal()] = 0; // no log has it: unknown
        return row;
    }

    /** One log line's facts. */
    private static final class Parsed {
        String site;
        long millis;
        String client;
        String method;
        String target;
        String userAgent;
        boolean refused;
    }

    private static Parsed json(String line, String defaultSite) {
        JsonNode n;
        try {
            n = JSON.readTree(line);
        } catch (IOException e) {
            throw new IllegalArgumentException("not a JSON object");
        }
        Parsed p = new Parsed();
        p.site = n.hasNonNull("site") ? n.get("site").asText() : defaultSite;
        if (p.site == null) {
            throw new IllegalArgumentException("no \"site\" field, and no --site given");
        }
        p.millis = Instant.parse(required(n, "time")).toEpochMilli();
        p.client = required(n, "client");
        p.method = required(n, "method");
        p.target = target(required(n, "path"));
        p.userAgent = n.hasNonNull("ua") ? n.get("ua").asText() : null;
        String verdict = n.hasNonNull("verdict") ? n.get("verdict").asText() : "allow";
        p.refused = !"allow".equals(verdict) || refusedStatus(n.path("status").asInt(200));
        ClientAddress.parse(p.client); // a bad address fails here, with the line
        return p;
    }

    private static Parsed combined(String line, String defaultSite) {
        Matcher m = COMBINED.matcher(line);
        if (!m.matches()) {
            throw new IllegalArgumentException("neither Rampart's JSON nor the combined log format");
        }
        if (defaultSite == null) {
            throw new IllegalArgumentException("the combined format names no site: give --site");
        }
        Parsed p = new Parsed();
        p.site = defaultSite;
        p.client = m.group(1);
        p.millis = ZonedDateTime.parse(m.group(2), COMBINED_TIME).toInstant().toEpochMilli();
        p.method = m.group(3);
        p.target = target(m.group(4));
        p.refused = refusedStatus(Integer.parseInt(m.group(5)));
        p.userAgent = m.group(6) == null || "-".equals(m.group(6)) ? null : m.group(6);
        ClientAddress.parse(p.client);
        return p;
    }

    private static boolean refusedStatus(int status) {
        return status == 429 || status == 403 || status == 444;
    }

    private static String target(String t) {
        if (t.isEmpty() || t.charAt(0) != '/') {
            throw new IllegalArgumentException("request target '" + t + "' is not a path");
        }
        return t;
    }

    private static String required(JsonNode n, String field) {
        JsonNode v = n.get(field);
        if (v == null || v.isNull() || v.asText().isEmpty()) {
            throw new IllegalArgumentException("no \"" + field + "\" field");
        }
        return v.asText();
    }
}

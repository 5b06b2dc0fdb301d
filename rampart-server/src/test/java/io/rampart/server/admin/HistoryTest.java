package io.rampart.server.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The traffic history: seconds and minutes that agree, bounded, kept across a restart, garbage in its file skipped. */
class HistoryTest {
    /** An hour boundary (2026-12-04 12:00 UTC); every load below is told its time, so the wall clock plays no part. */
    private static final long T0 = 1_796_400_000L;

    @TempDir
    Path dir;

    /** One second: {@code allow} requests allowed, {@code block} blocked, 10 origin answers of 20 ms each. */
    private static double[] second(int allow, int block) {
        double[] c = new double[History.COLUMNS_COUNT];
        c[History.COLUMNS.indexOf("allow")] = allow;
        c[History.COLUMNS.indexOf("block")] = block;
        c[History.COLUMNS.indexOf("originAnswers")] = 10;
        c[History.COLUMNS.indexOf("originNanos")] = 10 * 20_000_000L;
        return c;
    }

    @SuppressWarnings("unchecked")
    private static List<Double> verdict(Map<String, Object> h, String v) {
        return ((Map<String, List<Double>>) h.get("requestsPerSecond")).get(v);
    }

    @Test
    void secondsAndMinutes_agree_andSurviveARestart() {
        History h = History.in(dir, T0);
        for (int i = 0; i < 150; i++) {
            h.add("campaign", T0 + i, second(5, i > 60 ? 100 : 0));
        }
        Map<String, Object> hour = h.read("campaign", "1h", T0 + 150);
        assertThat((List<?>) hour.get("time")).hasSize(150);
        assertThat(verdict(hour, "block").get(100)).isEqualTo(100.0);
        assertThat((List<?>) hour.get("originLatencyMs")).first().isEqualTo(20.0);
        Map<String, Object> day = h.read("campaign", "24h", T0 + 150);
        assertThat((List<?>) day.get("time")).as("two whole minutes and the one still running").hasSize(3);
        assertThat(verdict(day, "allow")).as("the running minute as far as it got: 30 of its seconds").containsExactly(5.0, 5.0, 2.5);
        assertThat(verdict(day, "block").get(1)).as("the second minute: seconds 60..119, 59 of them blocking 100").isCloseTo(98.33, org.assertj.core.data.Offset.offset(0.01));
        assertThat((List<?>) day.get("time")).first().as("a point's time is its last second").isEqualTo(T0 + 59);
        h.close();

        History again = History.in(dir, T0 + 150);
        Map<String, Object> back = again.read("campaign", "1h", T0 + 150);
        assertThat((List<?>) back.get("time")).hasSize(150);
        assertThat(verdict(back, "block")).isEqualTo(verdict(hour, "block"));
        assertThat((List<?>) again.read("campaign", "24h", T0 + 150).get("time")).as("and the running minute, as far as it got").hasSize(3);
        assertThat((List<?>) again.read("campaign", "30d", T0 + 150).get("time")).as("one hour point").hasSize(1);
        again.close();
    }

    @Test
    void aMinuteARestartInterrupted_goesOnAddingUp() {
        long minute = T0 + 600;
        History h = History.in(dir, minute);
        h.add("campaign", minute, second(4, 0));
        h.close();
        History again = History.in(dir, minute + 1);
        again.add("campaign", minute + 1, second(6, 0));
        again.add("campaign", minute + 60, second(1, 0)); // the next minute closes it
        Map<String, Object> day = again.read("campaign", "24h", minute + 60);
        assertThat(verdict(day, "allow")).as("4 + 6 requests in one minute, not two points; then the running one").hasSize(2);
        assertThat(verdict(day, "allow").get(0) * 60).isCloseTo(10.0, org.assertj.core.data.Offset.offset(0.01));
        again.close();
    }

    @Test
    void theSecondsRing_isBounded_toAnHour() {
        History h = History.inMemory();
        for (int i = 1; i <= History.SECONDS + 500; i++) {
            h.add("campaign", T0 + i, second(1, 0));
        }
        assertThat((List<?>) h.read("campaign", "1h", T0 + History.SECONDS + 500).get("time")).hasSize(History.SECONDS);
    }

    @Test
    void garbageInTheFile_isSkipped_andAnUnusableFile_leavesTheHistoryInMemory() throws Exception {
        History h = History.in(dir, T0);
        h.add("campaign", T0 + 1, second(3, 0));
        h.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db"));
             Statement s = c.createStatement()) {
            s.execute("INSERT INTO second (site, t, v) VALUES ('campaign', " + (T0 + 2) + ", 'not,numbers')");
            s.execute("INSERT INTO second (site, t, v) VALUES ('campaign', " + (T0 + 3) + ", '-1,0,0,0,0,0,0,0,0,0,0')");
        }
        History back = History.in(dir, T0 + 10);
        assertThat((List<?>) back.read("campaign", "1h", T0 + 10).get("time")).as("the good point only").hasSize(1);
        back.close();

        Path blocked = dir.resolve("blocked");
        Files.createDirectories(blocked.resolve("history.db")); // a directory where the file should be
        History memory = History.in(blocked, T0);
        memory.add("campaign", T0 + 1, second(3, 0));
        assertThat((List<?>) memory.read("campaign", "1h", T0 + 10).get("time")).hasSize(1);
        memory.close();
        assertThatThrownBy(() -> memory.read("campaign", "1y", T0)).hasMessageContaining("expected 1h, 24h or 30d");
    }

    @Test
    void knownUsersSuccess_andSources_areKept_andOldRowsReadWithoutThem() throws Exception {
        History h = History.in(dir, T0);
        for (int i = 0; i < 60; i++) {
            double[] c = second(5, 0);
            c[History.COLUMNS.indexOf("known")] = 10;
            c[History.COLUMNS.indexOf("knownFailed")] = i < 30 ? 0 : 2; // 80% success in the second half
            c[History.COLUMNS.indexOf("sources")] = i < 30 ? 4 : 400;
            h.add("campaign", T0 + i, c);
        }
        Map<String, Object> hour = h.read("campaign", "1h", T0 + 60);
        assertThat((List<?>) hour.get("knownSuccessPercent")).first().isEqualTo(100.0);
        assertThat((List<?>) hour.get("knownSuccessPercent")).last().isEqualTo(80.0);
        assertThat((List<?>) hour.get("sources")).last().isEqualTo(400.0);
        Map<String, Object> day = h.read("campaign", "24h", T0 + 60);
        assertThat((List<?>) day.get("knownSuccessPercent")).first().as("the minute's own share: 60 of 600 failed").isEqualTo(90.0);
        assertThat((List<?>) day.get("sources")).first().as("the minute's average of its seconds").isEqualTo(202.0);
        h.close();

        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db"));
             Statement s = c.createStatement()) { // a point as an older version wrote it: no known users, no sources
            s.execute("INSERT INTO second (site, t, v) VALUES ('campaign', " + (T0 + 60) + ", '7,0,0,0,0,0,0,0,0,0,0')");
        }
        History back = History.in(dir, T0 + 61);
        Map<String, Object> after = back.read("campaign", "1h", T0 + 61);
        assertThat((List<?>) after.get("time")).hasSize(61);
        assertThat((List<?>) after.get("knownSuccessPercent")).last().as("no known users in that second").isNull();
        back.close();
    }

    @SuppressWarnings("unchecked")
    private static Map<String, List<Double>> rules(Map<String, Object> h) {
        return (Map<String, List<Double>>) ((Map<String, Object>) h.get("rules")).get("matchesPerSecond");
    }

    @Test
    void ruleMatches_areKeptPerRule_bySecondMinuteAndHour_andSurviveARestart() {
        History h = History.in(dir, T0);
        for (int i = 0; i < 125; i++) {
            h.addRules("campaign", T0 + i, Map.of("auto-1", 50.0));
            if (i >= 100) {
                h.addRules("campaign", T0 + i, Map.of("op-2", 3.0));
            }
        }
        Map<String, Object> hour = h.read("campaign", "1h", T0 + 124);
        assertThat(rules(hour)).containsOnlyKeys("auto-1", "op-2");
        assertThat(rules(hour).get("auto-1")).as("every second of the hour, matched or not").hasSize(3_600).last().isEqualTo(50.0);
        assertThat(rules(hour).get("op-2").get(3_599 - 25)).as("before it came").isEqualTo(0.0);
        assertThat(rules(hour).get("op-2").get(3_599)).isEqualTo(3.0);
        Map<String, Object> day = h.read("campaign", "24h", T0 + 124);
        assertThat(rules(day).get("auto-1")).as("a day of minutes").hasSize(1_440);
        assertThat(rules(day).get("auto-1").get(1_437)).as("a whole minute of 50 a second").isEqualTo(50.0);
        h.close();

        History back = History.in(dir, T0 + 130);
        assertThat(rules(back.read("campaign", "1h", T0 + 130)).get("auto-1").get(3_599 - 6)).isEqualTo(50.0);
        assertThat(rules(back.read("campaign", "30d", T0 + 130)).get("op-2")).as("30 days of hours").hasSize(720).last().as("75 matches in the hour").isEqualTo(0.020833);
        back.close();
    }

    @Test
    void garbageRuleRowsInTheFile_areSkipped_andTheGoodOnesKept() throws Exception {
        History h = History.in(dir, T0);
        h.addRules("campaign", T0 + 1, Map.of("auto-1", 4.0));
        h.close();
        try (Connection c = DriverManager.getConnection("jdbc:sqlite:" + dir.resolve("history.db"));
             Statement s = c.createStatement()) {
            s.execute("INSERT INTO rule_point (site, rule, res, t, n) VALUES ('campaign', 'bad-res', 'x', " + (T0 + 2) + ", 1)");
            s.execute("INSERT INTO rule_point (site, rule, res, t, n) VALUES ('campaign', 'negative', 's', " + (T0 + 2) + ", -5)");
            s.execute("INSERT INTO rule_point (site, rule, res, t, n) VALUES ('campaign', 'unaligned', 'm', " + (T0 + 7) + ", 3)");
            s.execute("INSERT INTO rule_point (site, rule, res, t, n) VALUES ('campaign', 'text', 's', " + (T0 + 3) + ", 'lots')");
        }
        History back = History.in(dir, T0 + 10);
        assertThat(rules(back.read("campaign", "1h", T0 + 10))).as("only the good line").containsOnlyKeys("auto-1");
        assertThat(rules(back.read("campaign", "1h", T0 + 10)).get("auto-1")).contains(4.0);
        back.close();
    }

    @Test
    void ruleLines_areBounded_theStalestRuleGivingWay() {
        History h = History.inMemory();
        for (int r = 0; r < RuleLines.MAX_RULES + 10; r++) {
            h.addRules("campaign", T0 + r, Map.of("rule-" + r, 1.0));
        }
        Map<String, List<Double>> lines = rules(h.read("campaign", "1h", T0 + 100));
        assertThat(lines).hasSize(RuleLines.MAX_RULES).doesNotContainKey("rule-0").containsKey("rule-" + (RuleLines.MAX_RULES + 9));
    }
}

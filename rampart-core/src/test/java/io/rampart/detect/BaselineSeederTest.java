package io.rampart.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpMethod;
import io.rampart.config.ConfigLoader;
import io.rampart.config.RampartConfig;
import io.rampart.mitigate.Policy;
import io.rampart.mitigate.PolicyHolder;
import io.rampart.traffic.TrafficRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A new installation learns from an old access log instead of starting cold. */
class BaselineSeederTest {
    private static final String[] PAGES = {"/", "/article/12", "/article/7", "/about", "/static/site.css", "/feed.xml"};

    private static RampartConfig config(Path state) throws Exception {
        return new ConfigLoader().parse("""
                detection: {stateDir: '%s', tick: 1s, learnFor: 30s}
                sites:
                  - {name: www, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}
                  - {name: shop, hosts: [shop.example], upstreams: ['http://127.0.0.1:1']}
                """.formatted(state), "t.yml");
    }

    /** {@code seconds} of normal traffic, about 80 requests a second, in Rampart's JSON access-log format. */
    private static List<String> jsonLog(Instant start, int seconds) {
        List<String> lines = new ArrayList<>();
        for (int s = 0; s < seconds; s++) {
            for (int i = 0; i < 80; i++) {
                String time = start.plusMillis(s * 1000L + i * 12).toString();
                lines.add("{\"time\":\"" + time + "\",\"ref\":\"x\",\"client\":\"10.1." + (i % 7) + "." + (i + 1)
                        + "\",\"site\":\"www\",\"method\":\"GET\",\"host\":\"www.example\",\"path\":\"" + PAGES[(s + i) % PAGES.length]
                        + "\",\"status\":200,\"verdict\":\"allow\",\"reason\":\"-\",\"duration_ms\":3.1,\"bytes_in\":0,\"bytes_out\":512,\"ua\":\""
                        + Traffic.BROWSERS.get(i % 3) + "\"}");
            }
        }
        return lines;
    }

    @Test
    void seededBaseline_isWarmAtStart_andAFloodIsRuledWithoutALearningPeriod(@TempDir Path dir) throws Exception {
        Path state = dir.resolve("state");
        Path log = dir.resolve("access.log");
        Instant start = Instant.parse("2026-11-20T18:00:00Z");
        List<String> lines = jsonLog(start, 120);
        lines.add("{\"time\":\"" + start.plusSeconds(50) + "\",\"client\":\"10.9.9.9\",\"site\":\"www\",\"method\":\"GET\","
                + "\"path\":\"/wp-login.php\",\"status\":429,\"verdict\":\"limit\"}");
        lines.add("this is not a log line");
        Files.write(log, lines);

        BaselineSeeder.Report r = BaselineSeeder.seed(config(state), log, null, ZoneOffset.UTC);
        assertThat(r.learned()).isEqualTo(120 * 80);
        assertThat(r.refusedNotLearned()).isEqualTo(1);
        assertThat(r.unreadable()).isEqualTo(1);
        assertThat(r.firstProblem()).isEqualTo("line 9602: neither Rampart's JSON nor the combined log format");
        assertThat(r.ticksBySite()).containsEntry("www", 120L).doesNotContainKey("shop");

        // a gateway starting on that state: learned from its first tick, no cold start
        MutableClock clock = new MutableClock(Instant.parse("2026-11-21T18:00:00Z"));
        TrafficRecorder recorder = new TrafficRecorder();
        PolicyHolder holder = new PolicyHolder(Policy.quiet(2));
        ControlPlane plane = new ControlPlane(config(state).detection(), List.of(
                new ControlPlane.SiteSpec("www", 0, recorder, () -> false, null),
                new ControlPlane.SiteSpec("shop", 1, new TrafficRecorder(), () -> false, null)),
                holder, clock, StateStore.open(state), null);
        try {
            SiteView www = plane.view().get(0);
            assertThat(www.baselineTicks()).isEqualTo(120);
            assertThat(www.normalRate()).isBetween(70.0, 90.0);
            Traffic traffic = new Traffic(StateStore.open(state).hasher(), holder);
            for (int s = 0; s < 2; s++) {
                traffic.floodSecond(recorder, 2000, false);
                clock.advance(Duration.ofSeconds(1));
                plane.tick();
            }
            assertThat(plane.view().get(0).state()).isEqualTo("attack");
            assertThat(holder.get().site(0).hasRules()).as(plane.view().get(0).events().toString()).isTrue();
            assertThat(holder.get().site(0).match(traffic.features("100.64.1.7",
                    Traffic.botHead(HttpMethod.GET, "/search?q=a8d7f6g5h4", Traffic.BROWSERS.get(0))))).isNotNull();
            for (String page : PAGES) {
                assertThat(holder.get().site(0).match(traffic.features("10.1.0.1", Traffic.browserHead(page, Traffic.BROWSERS.get(1)))))
                        .as(page).isNull();
            }
        } finally {
            plane.close();
        }
    }

    @Test
    void combinedLogFormat_goesToTheNamedSite_andItsRefusalsAreLeftOut(@TempDir Path dir) throws Exception {
        Path log = dir.resolve("access.log");
        DateTimeFormatter f = DateTimeFormatter.ofPattern("dd/MMM/yyyy:HH:mm:ss Z", Locale.ROOT);
        ZonedDateTime t = ZonedDateTime.parse("2026-11-20T18:00:00+01:00");
        List<String> lines = new ArrayList<>();
        for (int i = 0; i < 600; i++) {
            lines.add("10.2.0." + (i % 50 + 1) + " - - [" + f.format(t.plusSeconds(i / 10)) + "] \"GET /article/" + i
                    + " HTTP/1.1\" " + (i % 100 == 0 ? 429 : 200) + " 5123 \"-\" \"" + Traffic.BROWSERS.get(i % 3) + "\"");
        }
        lines.add("10.2.0.1 - - [garbage] \"GET / HTTP/1.1\" 200 1 \"-\" \"-\"");
        Files.write(log, lines);
        BaselineSeeder.Report r = BaselineSeeder.seed(config(dir.resolve("state")), log, "shop", ZoneOffset.UTC);
        assertThat(r.learned()).isEqualTo(594);
        assertThat(r.refusedNotLearned()).isEqualTo(6);
        assertThat(r.unreadable()).isEqualTo(1);
        assertThat(r.firstProblem()).startsWith("line 601: ");
        assertThat(r.ticksBySite()).containsEntry("shop", 60L);
        assertThat(Files.readString(r.stateFile())).contains("\"shop\"");
    }

    @Test
    void withoutAStateDirectoryOrWithAnUnknownSite_thePreciseProblemIsNamed(@TempDir Path dir) throws Exception {
        Path log = Files.writeString(dir.resolve("a.log"), "");
        RampartConfig none = new ConfigLoader().parse("sites:\n  - {name: www, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}\n", "t.yml");
        assertThatThrownBy(() -> BaselineSeeder.seed(none, log, null, ZoneOffset.UTC))
                .hasMessage("detection.stateDir is not set: there is nowhere to keep a baseline");
        assertThatThrownBy(() -> BaselineSeeder.seed(config(dir.resolve("s")), log, "nope", ZoneOffset.UTC))
                .hasMessage("no site named 'nope' in the configuration; sites: www, shop");
    }
}

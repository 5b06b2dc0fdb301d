package io.rampart.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class IncidentSeriesTest {
    private static final long T0 = Instant.parse("2026-12-04T10:00:00Z").toEpochMilli();

    @Test
    void aShortIncident_keepsOnePointPerTick() {
        IncidentSeries s = new IncidentSeries();
        for (int i = 1; i <= 100; i++) {
            s.add(T0 + i * 1000L, 1000, i, i / 2, 3, 0, 3, 3 * 20_000, 7);
        }
        IncidentRecord.Series r = s.snapshot();
        assertThat(r.size()).isEqualTo(100);
        assertThat(r.requests()[41]).isEqualTo(42);
        assertThat(r.at()[99]).isEqualTo(T0 + 100_000);
    }

    @Test
    void aLongIncident_staysBounded_andItsTotalsNeverChange() {
        IncidentSeries s = new IncidentSeries();
        long requests = 0;
        long refused = 0;
        int ticks = 3 * 24 * 3600; // three days of one-second ticks
        for (int i = 1; i <= ticks; i++) {
            long req = 100 + (i % 17);
            long ref = i % 3;
            requests += req;
            refused += ref;
            s.add(T0 + i * 1000L, 1000, req, ref, 1, 0, 1, 1000, i % 50);
            assertThat(s.size()).isLessThanOrEqualTo(IncidentSeries.MAX_POINTS);
        }
        IncidentRecord.Series r = s.snapshot();
        assertThat(r.size()).isGreaterThan(IncidentSeries.MAX_POINTS / 2);
        assertThat(Arrays.stream(r.requests()).sum()).isEqualTo(requests);
        assertThat(Arrays.stream(r.refused()).sum()).isEqualTo(refused);
        assertThat(Arrays.stream(r.millis()).sum()).as("every second covered once").isEqualTo(ticks * 1000L);
        assertThat(r.at()[r.size() - 1]).isEqualTo(T0 + ticks * 1000L);
        assertThat(Arrays.stream(r.sources()).max().orElse(0)).as("sources: the most in one tick, not a sum").isEqualTo(49);
        for (int i = 1; i < r.size(); i++) {
            assertThat(r.at()[i]).isGreaterThan(r.at()[i - 1]);
        }
    }

    @Test
    void nodesSeries_mergeOnOneAxis_andAddUp() {
        IncidentRecord a = Samples.closed("x", false);
        IncidentRecord b = a.withSeries(Samples.series(Instant.parse("2026-11-20T19:00:06Z"), 30));
        IncidentRecord.Series m = IncidentMerge.series(List.of(a, b));
        assertThat(Arrays.stream(m.requests()).sum())
                .isEqualTo(Arrays.stream(a.series().requests()).sum() + Arrays.stream(b.series().requests()).sum());
        assertThat(m.size()).isLessThanOrEqualTo(IncidentSeries.MAX_POINTS).isGreaterThanOrEqualTo(a.series().size());
        for (int i = 1; i < m.size(); i++) {
            assertThat(m.at()[i]).isGreaterThan(m.at()[i - 1]);
        }
    }

    @Test
    void aSeriesWithColumnsOfDifferentLengths_isRefused() {
        assertThatThrownBy(() -> new IncidentRecord.Series(new long[2], new long[2], new long[1], new long[2], new long[2], new long[2],
                new long[2], new long[2], new long[2])).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void aRecordFromBeforeTheSeries_readsWithAnEmptyOne() throws Exception {
        var tree = (com.fasterxml.jackson.databind.node.ObjectNode) IncidentJson.MAPPER.valueToTree(Samples.closed("old", false));
        tree.remove("series");
        ((com.fasterxml.jackson.databind.node.ObjectNode) tree.get("profile")).remove("mixedNetworks");
        IncidentRecord back = IncidentJson.MAPPER.treeToValue(tree, IncidentRecord.class);
        assertThat(back.series().size()).isZero();
        assertThat(back.profile().mostlyRefused(Samples.MIXED_NETWORK)).isTrue();
        assertThat(Reports.render(back, "html", Instant.now())).contains("no data recorded");
    }
}

package io.rampart.incident;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SqliteIncidentStoreTest {
    @TempDir
    Path dir;

    @Test
    void incidents_surviveReopening_newestFirst_andSavingAgainReplaces() {
        try (SqliteIncidentStore s = SqliteIncidentStore.open(dir)) {
            s.save(Samples.closed("a", false));
            IncidentRecord b = Samples.closed("b", true);
            s.save(new IncidentRecord(b.id(), b.site(), b.status(), b.openedAt().plusSeconds(3600), b.openedBy(), b.attackStartedAt(),
                    b.mitigatedAt(), b.closedAt().plusSeconds(3600), b.closedBy(), b.node(), b.vectors(), b.profile(), b.mitigation(),
                    b.impact(), b.egress(), b.rules(), b.timeline(), b.timelineDropped()));
            s.save(Samples.closed("a", false));
        }
        assertThat(Files.exists(dir.resolve("incidents.db"))).isTrue();
        try (SqliteIncidentStore s = SqliteIncidentStore.openExisting(dir)) {
            assertThat(s.list(10)).extracting(IncidentRecord::id).containsExactly("b", "a");
            assertThat(s.find("a")).contains(Samples.closed("a", false));
            assertThat(s.find("zzz")).isEmpty();
        }
    }

    @Test
    void retention_deletesOnlyIncidentsClosedBeforeTheCutoff() {
        try (SqliteIncidentStore s = SqliteIncidentStore.open(dir)) {
            s.save(Samples.closed("old", false));
            assertThat(s.purgeClosedBefore(Instant.parse("2026-01-01T00:00:00Z"))).isZero();
            assertThat(s.purgeClosedBefore(Instant.parse("2026-12-01T00:00:00Z"))).isEqualTo(1);
            assertThat(s.list(10)).isEmpty();
        }
    }

    @Test
    void readingWhereNoStoreExists_saysWhere() {
        assertThatThrownBy(() -> SqliteIncidentStore.openExisting(dir.resolve("nothing")))
                .hasMessageContaining("no incident store in").hasMessageContaining("incidents.db is made when the gateway first runs");
    }

    @Test
    void aDataDirectoryThatIsAFile_failsWithItsName() throws Exception {
        Path file = Files.writeString(dir.resolve("plain"), "x");
        assertThatThrownBy(() -> SqliteIncidentStore.open(file)).hasMessageContaining(file.toString());
    }
}

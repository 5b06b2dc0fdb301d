package io.rampart.incident;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.rampart.config.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Incidents in one SQLite file ({@code incidents.db} in the data directory), or in memory when
 * there is none. One row per incident: indexed columns for listing and retention, and the whole
 * record as a JSON document (the schema of {@link IncidentRecord} can grow without migrations).
 * WAL journal, so the CLI can read while the gateway writes. One connection, used under a lock:
 * writes come from one writer thread and are few (one per changed incident per second at most).
 */
public final class SqliteIncidentStore implements IncidentStore {
    private static final int SCHEMA = 1;
    private final Connection db;
    private final ObjectMapper json = IncidentJson.MAPPER;

    private SqliteIncidentStore(String url) throws SQLException {
        this.db = DriverManager.getConnection(url);
        try (Statement s = db.createStatement()) {
            s.execute("PRAGMA busy_timeout = 5000");
            if (!url.contains(":memory:")) {
                s.execute("PRAGMA journal_mode = WAL");
            }
            s.execute("CREATE TABLE IF NOT EXISTS incidents (id TEXT PRIMARY KEY, site TEXT NOT NULL, status TEXT NOT NULL,"
                    + " opened_at INTEGER NOT NULL, closed_at INTEGER, doc TEXT NOT NULL)");
            s.execute("CREATE INDEX IF NOT EXISTS incidents_opened ON incidents (opened_at)");
            s.execute("PRAGMA user_version = " + SCHEMA);
        }
    }

    /** Opens (creating if needed) {@code dir/incidents.db}. */
    public static SqliteIncidentStore open(Path dir) {
        try {
            PrivateFiles.directory(dir);
            Path db = dir.resolve("incidents.db");
            SqliteIncidentStore store = new SqliteIncidentStore("jdbc:sqlite:" + db.toAbsolutePath());
            PrivateFiles.restrict(db); // client addresses: the owner's alone
            return store;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create the data directory " + dir + ": " + e.getMessage(), e);
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open the incident store in " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Opens an existing store read-only-in-spirit for the CLI; fails clearly when there is none. */
    public static SqliteIncidentStore openExisting(Path dir) {
        if (!Files.isRegularFile(dir.resolve("incidents.db"))) {
            throw new IllegalArgumentException("no incident store in " + dir + " (incidents.db is made when the gateway first runs with this data directory)");
        }
        return open(dir);
    }

    /** A store that lives as long as the process (no data directory configured). */
    public static SqliteIncidentStore inMemory() {
        try {
            return new SqliteIncidentStore("jdbc:sqlite::memory:");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot open an in-memory incident store: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void save(IncidentRecord r) {
        try (PreparedStatement p = db.prepareStatement(
                "INSERT OR REPLACE INTO incidents (id, site, status, opened_at, closed_at, doc) VALUES (?, ?, ?, ?, ?, ?)")) {
            p.setString(1, r.id());
            p.setString(2, r.site());
            p.setString(3, r.status());
            p.setLong(4, r.openedAt().toEpochMilli());
            if (r.closedAt() == null) {
                p.setNull(5, java.sql.Types.INTEGER);
            } else {
                p.setLong(5, r.closedAt().toEpochMilli());
            }
            p.setString(6, json.writeValueAsString(r));
            p.executeUpdate();
        } catch (SQLException | IOException e) {
            throw new IllegalStateException("cannot save incident " + r.id() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized Optional<IncidentRecord> find(String id) {
        try (PreparedStatement p = db.prepareStatement("SELECT doc FROM incidents WHERE id = ?")) {
            p.setString(1, id);
            try (ResultSet rs = p.executeQuery()) {
                return rs.next() ? Optional.of(read(rs.getString(1))) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot read incident " + id + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized List<IncidentRecord> list(int limit) {
        List<IncidentRecord> out = new ArrayList<>();
        try (PreparedStatement p = db.prepareStatement("SELECT doc FROM incidents ORDER BY opened_at DESC LIMIT ?")) {
            p.setInt(1, limit);
            try (ResultSet rs = p.executeQuery()) {
                while (rs.next()) {
                    out.add(read(rs.getString(1)));
                }
            }
        } catch (SQLException e) {
            throw new IllegalStateException("cannot list incidents: " + e.getMessage(), e);
        }
        return out;
    }

    @Override
    public synchronized int purgeClosedBefore(Instant cutoff) {
        try (PreparedStatement p = db.prepareStatement("DELETE FROM incidents WHERE closed_at IS NOT NULL AND closed_at < ?")) {
            p.setLong(1, cutoff.toEpochMilli());
            return p.executeUpdate();
        } catch (SQLException e) {
            throw new IllegalStateException("cannot purge incidents: " + e.getMessage(), e);
        }
    }

    private IncidentRecord read(String doc) {
        try {
            return json.readValue(doc, IncidentRecord.class);
        } catch (IOException e) {
            throw new IllegalStateException("an incident document in the store cannot be read: " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        try {
            db.close();
        } catch (SQLException e) {
            // closing at shutdown: nothing left to do
        }
    }
}

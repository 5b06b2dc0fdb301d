package io.rampart.incident;

import java.time.Instant;
import java.util.List;
import java.util.Optional;

/**
 * Where incidents are kept. The embedded default is {@link SqliteIncidentStore}; a shared store
 * (PostgreSQL, Redis) plugs in here for cluster mode.
 */
public interface IncidentStore extends AutoCloseable {
    /** Inserts or replaces the record with the same id. */
    void save(IncidentRecord r);

    Optional<IncidentRecord> find(String id);

    /** The most recent incidents first, at most {@code limit}. */
    List<IncidentRecord> list(int limit);

    /** Deletes incidents closed before {@code cutoff}; returns how many. */
    int purgeClosedBefore(Instant cutoff);

    @Override
    void close();
}

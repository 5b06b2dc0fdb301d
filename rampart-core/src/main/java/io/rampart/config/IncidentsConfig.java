package io.rampart.config;

import java.time.Duration;

/**
 * Incident records: opened when a site is attacked (or by an operator), closed after a quiet period.
 *
 * @param enabled      whether incidents are recorded (they need detection to open by themselves)
 * @param closeAfter   calm needed after the site is normal again before its incident closes (an
 *                     attack that comes back within this time stays one incident)
 * @param retention    closed incidents older than this are deleted from the store
 * @param bulkResponse a response to an anonymous client this large is listed in the data-egress check
 */
public record IncidentsConfig(Boolean enabled, Duration closeAfter, Duration retention, ByteSize bulkResponse) {
    public static final IncidentsConfig DEFAULT = new IncidentsConfig(null, null, null, null);

    public IncidentsConfig {
        enabled = enabled == null || enabled;
        closeAfter = closeAfter == null ? Duration.ofMinutes(5) : closeAfter;
        retention = retention == null ? Duration.ofDays(400) : retention;
        bulkResponse = bulkResponse == null ? ByteSize.ofBytes(1L << 20) : bulkResponse;
    }
}

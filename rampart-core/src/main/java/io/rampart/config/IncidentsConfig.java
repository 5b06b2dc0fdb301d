package io.rampart.config;

import java.time.Duration;
import java.util.List;

/**
 * Incident records: opened when a site is attacked (or by an operator), closed after a quiet period.
 *
 * @param enabled      whether incidents are recorded (they need detection to open by themselves)
 * @param closeAfter   calm needed after the site is normal again before its incident closes (an
 *                     attack that comes back within this time stays one incident)
 * @param retention    closed incidents older than this are deleted from the store
 * @param bulkResponse a response to an anonymous client this large is listed in the data-egress check
 * @param geoDatabases MaxMind-format databases (GeoLite2 ASN/Country, DB-IP Lite, IPinfo Lite) that
 *                     name the autonomous systems and countries of refused sources; none by default
 * @param reporter     who reports (organisation, contact, reference) and the reports' TLP marking
 * @param cert         where reports go when sent to the national CERT
 */
public record IncidentsConfig(Boolean enabled, Duration closeAfter, Duration retention, ByteSize bulkResponse,
                              List<String> geoDatabases, ReporterConfig reporter, CertConfig cert) {
    public static final IncidentsConfig DEFAULT = new IncidentsConfig(null, null, null, null, null, null, null);

    public IncidentsConfig(Boolean enabled, Duration closeAfter, Duration retention, ByteSize bulkResponse, List<String> geoDatabases) {
        this(enabled, closeAfter, retention, bulkResponse, geoDatabases, null, null);
    }

    public IncidentsConfig {
        enabled = enabled == null || enabled;
        closeAfter = closeAfter == null ? Duration.ofMinutes(5) : closeAfter;
        retention = retention == null ? Duration.ofDays(400) : retention;
        bulkResponse = bulkResponse == null ? ByteSize.ofBytes(1L << 20) : bulkResponse;
        reporter = reporter == null ? ReporterConfig.DEFAULT : reporter;
        cert = cert == null ? CertConfig.NONE : cert;
        geoDatabases = geoDatabases == null ? List.of() : java.util.Collections.unmodifiableList(new java.util.ArrayList<>(geoDatabases));
    }
}

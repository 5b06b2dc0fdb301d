package io.rampart.tls;

import io.rampart.config.AcmeConfig;
import io.rampart.metrics.GatewayMetrics;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Wires the {@link AcmeManager} into a running gateway: obtains and renews the certificates of
 * the sites that ask for them, puts each new certificate in service on every TLS listener, and
 * exports each site's certificate expiry and failures as metrics.
 */
public final class AcmeService {
    private static final Logger LOG = LoggerFactory.getLogger(AcmeService.class);

    private AcmeService() {
    }

    /**
     * Starts the manager for {@code wanted}, or returns null when no site asks for a certificate or
     * there is no data directory to keep them in.
     *
     * @param terminators the TLS listeners (null entries for plain-text listeners)
     */
    public static AcmeManager start(AcmeConfig config, String dataDir, List<AcmeManager.Site> wanted,
                                    AcmeChallenges challenges, List<TlsTerminator> terminators, GatewayMetrics metrics) {
        if (wanted.isEmpty() || dataDir == null) {
            return null;
        }
        AcmeManager acme = new AcmeManager(config, Path.of(dataDir), wanted, challenges, files -> {
            for (TlsTerminator t : terminators) {
                if (t != null) {
                    try {
                        t.manage(files);
                    } catch (IllegalArgumentException e) {
                        LOG.error("ACME certificates not put in service: {}", e.getMessage());
                    }
                }
            }
        }, Clock.systemUTC());
        acme.start();
        for (AcmeManager.Site site : wanted) {
            metrics.gauge("rampart.acme.certificate.expiry.seconds", "Seconds until the site's ACME certificate expires (-1: none yet)",
                    site.name(), () -> acme.states().stream().filter(st -> st.site().equals(site.name())).findFirst()
                            .map(st -> st.notAfter() == null ? -1 : Duration.between(Instant.now(), st.notAfter()).getSeconds())
                            .orElse(-1L));
            metrics.gauge("rampart.acme.failures", "Failed ACME attempts in a row for the site (0: the last one worked)",
                    site.name(), () -> acme.states().stream().filter(st -> st.site().equals(site.name())).findFirst()
                            .map(AcmeManager.State::failures).orElse(0));
        }
        return acme;
    }
}

package io.rampart.tls;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.rampart.config.AcmeConfig;
import io.rampart.config.PrivateFiles;
import java.io.IOException;
import java.io.InputStream;
import java.io.Reader;
import java.io.StringWriter;
import java.net.URI;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import org.shredzone.acme4j.Account;
import org.shredzone.acme4j.AccountBuilder;
import org.shredzone.acme4j.Authorization;
import org.shredzone.acme4j.Order;
import org.shredzone.acme4j.Session;
import org.shredzone.acme4j.Status;
import org.shredzone.acme4j.challenge.Challenge;
import org.shredzone.acme4j.challenge.Http01Challenge;
import org.shredzone.acme4j.challenge.TlsAlpn01Challenge;
import org.shredzone.acme4j.connector.HttpConnector;
import org.shredzone.acme4j.connector.NetworkSettings;
import org.shredzone.acme4j.provider.GenericAcmeProvider;
import org.shredzone.acme4j.util.KeyPairUtils;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Obtains and renews certificates through ACME (acme4j) for the sites marked {@code acme: true}.
 * On its own thread: at start and then every hour, each site whose certificate is missing or
 * expires within {@code renewBefore} gets a new one — an order for its exact host names, HTTP-01
 * answered by the data plane (or TLS-ALPN-01 by the TLS listeners) from {@link AcmeChallenges}, a
 * fresh P-256 key, the chain downloaded —
 * written atomically to {@code DATA_DIR/acme/SITE.pem} and {@code .key} and handed to the TLS
 * listeners at once. A failure is logged and retried after {@code retry}, doubling up to a day;
 * the certificate in service (if any) keeps serving meanwhile. The account key is kept in
 * {@code DATA_DIR/acme/account.key}.
 */
public final class AcmeManager implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(AcmeManager.class);
    private static final Duration CHECK_EVERY = Duration.ofHours(1);
    private static final Duration MAX_BACKOFF = Duration.ofDays(1);

    static {
        // acme4j makes keys and CSRs with Bouncy Castle, by provider name
        if (java.security.Security.getProvider("BC") == null) {
            java.security.Security.addProvider(new org.bouncycastle.jce.provider.BouncyCastleProvider());
        }
    }

    /** One site to keep a certificate for. */
    public record Site(String name, List<String> hosts) {
    }

    /** What the manager reports, per site, for metrics and the admin API. */
    public record State(String site, Instant notAfter, Instant lastAttempt, String lastError, int failures) {
    }

    private final AcmeConfig config;
    private final Path dir;
    private final List<Site> sites;
    private final AcmeChallenges challenges;
    private final Consumer<List<Path[]>> install;
    private final Clock clock;
    private final Map<String, State> states = new LinkedHashMap<>();
    private final ScheduledExecutorService executor;

    /**
     * @param install receives every site's {cert, key} files after each change (to reload the TLS listeners)
     */
    public AcmeManager(AcmeConfig config, Path dataDir, List<Site> sites, AcmeChallenges challenges,
                       Consumer<List<Path[]>> install, Clock clock) {
        this.config = config;
        this.dir = dataDir.resolve("acme");
        this.sites = List.copyOf(sites);
        this.challenges = challenges;
        this.install = install;
        this.clock = clock;
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rampart-acme");
            t.setDaemon(true);
            return t;
        });
        for (Site s : sites) {
            states.put(s.name(), new State(s.name(), expiry(s), null, null, 0));
        }
    }

    /** Hands existing certificates to the listeners now, and starts checking in the background. */
    public void start() {
        installAll();
        executor.execute(this::checkAll);
    }

    public synchronized List<State> states() {
        return new ArrayList<>(states.values());
    }

    public Path certFile(String site) {
        return dir.resolve(site + ".pem");
    }

    public Path keyFile(String site) {
        return dir.resolve(site + ".key");
    }

    private void checkAll() {
        Duration next = CHECK_EVERY;
        for (Site s : sites) {
            Duration wait = check(s);
            if (wait.compareTo(next) < 0) {
                next = wait;
            }
        }
        try {
            executor.schedule(this::checkAll, next.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // stopping
        }
    }

    /** Renews {@code s} if due; returns how long until it should be looked at again. */
    private Duration check(Site s) {
        State st;
        synchronized (this) {
            st = states.get(s.name());
        }
        Instant now = clock.instant();
        if (st.notAfter() != null && now.plus(config.renewBefore()).isBefore(st.notAfter())) {
            return CHECK_EVERY;
        }
        if (st.failures() > 0 && st.lastAttempt() != null) {
            Duration wait = backoff(st.failures());
            if (now.isBefore(st.lastAttempt().plus(wait))) {
                return Duration.between(now, st.lastAttempt().plus(wait));
            }
        }
        try {
            Instant notAfter = obtain(s);
            synchronized (this) {
                states.put(s.name(), new State(s.name(), notAfter, now, null, 0));
            }
            LOG.info("ACME: certificate for site {} ({}) obtained, valid until {}", s.name(), String.join(", ", s.hosts()), notAfter);
            installAll();
            return CHECK_EVERY;
        } catch (Exception e) {
            int failures = st.failures() + 1;
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            for (Throwable c = e.getCause(); c != null && c != e; c = c.getCause()) {
                why += " (" + (c.getMessage() == null ? c.getClass().getSimpleName() : c.getMessage()) + ")";
            }
            synchronized (this) {
                states.put(s.name(), new State(s.name(), st.notAfter(), now, why, failures));
            }
            LOG.error("ACME: certificate for site {} not obtained (attempt {}; {}), retrying in {}: {}", s.name(), failures,
                    st.notAfter() == null ? "no certificate yet" : "the current one stays until " + st.notAfter(), backoff(failures), why);
            return backoff(failures);
        }
    }

    private Duration backoff(int failures) {
        Duration d = config.retry().multipliedBy(1L << Math.min(20, failures - 1));
        return d.compareTo(MAX_BACKOFF) > 0 ? MAX_BACKOFF : d;
    }

    private Instant obtain(Site s) throws Exception {
        PrivateFiles.directory(dir);
        Session session = new Session(URI.create(config.directory()), provider());
        KeyPair accountKey = accountKey();
        AccountBuilder ab = new AccountBuilder().agreeToTermsOfService().useKeyPair(accountKey);
        if (config.email() != null) {
            ab.addEmail(config.email());
        }
        Account account = ab.create(session);
        Order order = account.newOrder().domains(s.hosts()).create();
        List<String> tokens = new ArrayList<>();
        List<String> alpnHosts = new ArrayList<>();
        try {
            for (Authorization auth : order.getAuthorizations()) {
                if (auth.getStatus() == Status.VALID) {
                    continue;
                }
                Challenge ch;
                if (AcmeConfig.TLS_ALPN_01.equals(config.challenge())) {
                    TlsAlpn01Challenge alpn = auth.findChallenge(TlsAlpn01Challenge.class)
                            .orElseThrow(() -> new IllegalStateException("the CA offers no tls-alpn-01 challenge for " + auth.getIdentifier()));
                    String host = auth.getIdentifier().getDomain();
                    challenges.putTlsAlpn(host, validationContext(alpn, auth));
                    alpnHosts.add(host);
                    ch = alpn;
                } else {
                    Http01Challenge http = auth.findChallenge(Http01Challenge.class)
                            .orElseThrow(() -> new IllegalStateException("the CA offers no http-01 challenge for " + auth.getIdentifier()));
                    challenges.put(http.getToken(), http.getAuthorization());
                    tokens.add(http.getToken());
                    ch = http;
                }
                ch.trigger();
                Status st = auth.waitForCompletion(Duration.ofSeconds(60));
                if (st != Status.VALID) {
                    throw new IllegalStateException("validation of " + auth.getIdentifier().getDomain() + " failed: "
                            + ch.getError().map(Object::toString).orElse(st.toString()));
                }
            }
            KeyPair domainKey = KeyPairUtils.createECKeyPair("secp256r1");
            order.execute(domainKey);
            Status st = order.waitForCompletion(Duration.ofSeconds(60));
            if (st != Status.VALID) {
                throw new IllegalStateException("the order ended " + st + order.getError().map(p -> ": " + p).orElse(""));
            }
            StringWriter pem = new StringWriter();
            order.getCertificate().writeCertificate(pem);
            writeAtomically(keyFile(s.name()), pkcs8(domainKey));
            writeAtomically(certFile(s.name()), pem.toString());
            return order.getCertificate().getCertificate().getNotAfter().toInstant();
        } finally {
            tokens.forEach(challenges::remove);
            alpnHosts.forEach(challenges::removeTlsAlpn);
        }
    }

    /**
     * The TLS context a TLS-ALPN-01 validator must see (RFC 8737): a self-signed certificate for
     * the name with the {@code acmeIdentifier} extension, offered only with ALPN {@code acme-tls/1}.
     */
    private static SslContext validationContext(TlsAlpn01Challenge ch, Authorization auth) throws Exception {
        KeyPair kp = KeyPairUtils.createKeyPair(2048); // acme4j signs the validation certificate with SHA256withRSA
        X509Certificate cert = ch.createCertificate(kp, auth.getIdentifier());
        return SslContextBuilder.forServer(kp.getPrivate(), cert)
                .sslProvider(SslProvider.JDK)
                .protocols("TLSv1.3", "TLSv1.2")
                .applicationProtocolConfig(new ApplicationProtocolConfig(ApplicationProtocolConfig.Protocol.ALPN,
                        ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                        ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT, AcmeChallenges.ACME_TLS))
                .build();
    }

    private KeyPair accountKey() throws IOException {
        Path f = dir.resolve("account.key");
        if (Files.exists(f)) {
            try (Reader r = Files.newBufferedReader(f)) {
                return KeyPairUtils.readKeyPair(r);
            }
        }
        KeyPair kp = KeyPairUtils.createECKeyPair("secp256r1");
        StringWriter w = new StringWriter();
        KeyPairUtils.writeKeyPair(kp, w);
        writeAtomically(f, w.toString());
        return kp;
    }

    /** acme4j with the configured CA trusted for the directory's HTTPS (a private or test CA), else the JDK's trust. */
    private GenericAcmeProvider provider() throws Exception {
        if (config.caCertificate() == null) {
            return new GenericAcmeProvider();
        }
        KeyStore trust = KeyStore.getInstance(KeyStore.getDefaultType());
        trust.load(null, null);
        try (InputStream in = Files.newInputStream(Path.of(config.caCertificate()))) {
            int i = 0;
            for (java.security.cert.Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                trust.setCertificateEntry("ca" + i++, c);
            }
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ctx = SSLContext.getInstance("TLS");
        ctx.init(null, tmf.getTrustManagers(), null);
        return new GenericAcmeProvider() {
            @Override
            protected HttpConnector createHttpConnector(NetworkSettings settings) {
                return new HttpConnector(settings) {
                    @Override
                    public HttpClient.Builder createClientBuilder() {
                        return super.createClientBuilder().sslContext(ctx);
                    }
                };
            }
        };
    }

    private void installAll() {
        List<Path[]> files = new ArrayList<>();
        for (Site s : sites) {
            if (Files.isRegularFile(certFile(s.name())) && Files.isRegularFile(keyFile(s.name()))) {
                files.add(new Path[] {certFile(s.name()), keyFile(s.name())});
            }
        }
        if (!files.isEmpty()) {
            install.accept(files);
        }
    }

    private Instant expiry(Site s) {
        Path f = certFile(s.name());
        if (!Files.isRegularFile(f)) {
            return null;
        }
        try (InputStream in = Files.newInputStream(f)) {
            return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in)).getNotAfter().toInstant();
        } catch (Exception e) {
            LOG.warn("ACME: {} cannot be read ({}); a new certificate will be obtained", f, e.getMessage());
            return null;
        }
    }

    private static String pkcs8(KeyPair kp) {
        return "-----BEGIN PRIVATE KEY-----\n" + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(kp.getPrivate().getEncoded()) + "\n-----END PRIVATE KEY-----\n";
    }

    private static void writeAtomically(Path file, String text) throws IOException {
        PrivateFiles.replace(file, text.getBytes(StandardCharsets.US_ASCII));
    }

    @Override
    public void close() {
        executor.shutdownNow();
    }
}

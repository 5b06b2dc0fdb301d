package io.rampart.incident;

import io.rampart.config.AlertsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Delivers alerts to every configured {@link Notifier} from a thread of its own: each delivery
 * is tried up to {@code maxAttempts} times, waiting {@code firstRetry}, then twice as long each
 * time (at most five minutes). At most {@value #MAX_PENDING} deliveries wait at once; beyond that
 * an alert is dropped and logged rather than queued without bound. Nothing here ever runs on the
 * data plane or blocks the control plane.
 */
public final class Alerts implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(Alerts.class);
    static final int MAX_PENDING = 1_000;
    private static final long MAX_BACKOFF_MILLIS = 300_000;

    private final List<Notifier> notifiers;
    private final int maxAttempts;
    private final long firstRetryMillis;
    private final ScheduledExecutorService executor;
    private final AtomicInteger pending = new AtomicInteger();
    /** Replaced by a reload: takes no new alerts, stops once the last queued delivery is done. */
    private volatile boolean retired;
    /** Hears each delivery's fate: {@code sent}, {@code retried}, {@code failed} (given up), {@code dropped}. */
    private volatile java.util.function.Consumer<String> meter = outcome -> { };

    /** What each delivery became, for {@code rampart_alert_deliveries_total{outcome}}. */
    public Alerts metered(java.util.function.Consumer<String> outcomes) {
        this.meter = outcomes;
        return this;
    }

    public Alerts(List<Notifier> notifiers, int maxAttempts, Duration firstRetry) {
        this.notifiers = List.copyOf(notifiers);
        this.maxAttempts = maxAttempts;
        this.firstRetryMillis = firstRetry.toMillis();
        this.executor = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "rampart-alerts");
            t.setDaemon(true);
            return t;
        });
    }

    /** The notifiers {@code alerts} configures (webhooks, then email). */
    public static Alerts of(AlertsConfig config) {
        List<Notifier> n = new ArrayList<>();
        for (AlertsConfig.WebhookConfig w : config.webhooks()) {
            n.add(new WebhookNotifier(w.url(), "slack".equals(w.format())));
        }
        if (config.email() != null) {
            n.add(new EmailNotifier(config.email()));
        }
        return new Alerts(n, config.maxAttempts(), config.firstRetry());
    }

    /**
     * The CERT's destinations ({@code incidents.cert}): mail through {@code alerts.email}'s server,
     * a POST to an endpoint, or both; reports are rendered as {@code reporter} says at each send.
     */
    public static Alerts cert(io.rampart.config.CertConfig cert, AlertsConfig alerts, java.util.function.Supplier<Reporter> reporter) {
        List<Notifier> n = new ArrayList<>();
        if (!cert.to().isEmpty() && alerts.email() != null) {
            n.add(new CertMail(alerts.email(), cert.to(), reporter));
        }
        if (cert.url() != null) {
            n.add(new CertPost(cert.url(), cert.tokenEnv(), reporter));
        }
        return new Alerts(n, alerts.maxAttempts(), alerts.firstRetry());
    }

    /** The destinations' names ({@code email cert@…}, {@code endpoint https://…}). */
    public List<String> names() {
        return notifiers.stream().map(Notifier::name).toList();
    }

    public boolean any() {
        return !notifiers.isEmpty();
    }

    /** Queues {@code alert} for every notifier; {@code outcome} hears (incident id, what happened) for the timeline. */
    public void send(Alert alert, BiConsumer<String, String> outcome) {
        for (Notifier n : notifiers) {
            if (pending.incrementAndGet() > MAX_PENDING) {
                pending.decrementAndGet();
                meter.accept("dropped");
                LOG.error("alert {} for {} dropped: {} deliveries already waiting", alert.kind().id(), n.name(), MAX_PENDING);
                continue;
            }
            try {
                executor.execute(() -> attempt(alert, n, 1, outcome));
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                done(); // sent to receivers a reload had just replaced, or while stopping
                meter.accept("dropped");
                LOG.error("alert {} for {} dropped: alerts are stopping", alert.kind().id(), n.name());
            }
        }
    }

    private void attempt(Alert alert, Notifier n, int attempt, BiConsumer<String, String> outcome) {
        try {
            n.send(alert);
            done();
            meter.accept("sent");
            outcome.accept(alert.incident().id(), alert.kind().label() + " sent to " + n.name()
                    + (attempt > 1 ? " (attempt " + attempt + ")" : ""));
        } catch (Exception e) {
            String why = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
            if (attempt >= maxAttempts) {
                done();
                meter.accept("failed");
                LOG.error("{} alert for incident {} to {} given up after {} attempts: {}", alert.kind().id(),
                        alert.incident().id(), n.name(), attempt, why);
                outcome.accept(alert.incident().id(), alert.kind().label() + " to " + n.name() + " FAILED after "
                        + attempt + " attempts: " + why);
                return;
            }
            long wait = Math.min(MAX_BACKOFF_MILLIS, firstRetryMillis << Math.min(20, attempt - 1));
            meter.accept("retried");
            LOG.warn("{} alert for incident {} to {} failed (attempt {} of {}), retrying in {} ms: {}", alert.kind().id(),
                    alert.incident().id(), n.name(), attempt, maxAttempts, wait, why);
            try {
                executor.schedule(() -> attempt(alert, n, attempt + 1, outcome), wait, TimeUnit.MILLISECONDS);
            } catch (java.util.concurrent.RejectedExecutionException stopped) {
                done();
                meter.accept("dropped");
                LOG.error("{} alert for incident {} to {} given up: alerts are stopping", alert.kind().id(),
                        alert.incident().id(), n.name());
            }
        }
    }

    /**
     * A reload replaced these receivers: what is already queued is still delivered, retries with
     * backoff included, then the thread ends.
     */
    public void retire() {
        retired = true;
        if (pending.get() == 0) {
            executor.shutdown();
        }
    }

    /** One delivery is over (sent or given up); the last one of retired receivers stops the thread. */
    private void done() {
        if (pending.decrementAndGet() == 0 && retired) {
            executor.shutdown();
        }
    }

    /** Gives deliveries in progress a moment, then stops. */
    @Override
    public void close() {
        executor.shutdown();
        try {
            executor.awaitTermination(2, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        executor.shutdownNow();
    }
}

package io.rampart.proxy;

import io.rampart.challenge.TicketKeys;
import io.rampart.cluster.ClusterSecrets;
import io.rampart.cluster.Decisions;
import io.rampart.challenge.Tickets;
import io.rampart.config.FirewallConfig;
import io.rampart.config.RampartConfig;
import io.rampart.detect.ControlPlane;
import io.rampart.detect.StateStore;
import io.rampart.firewall.KernelFirewall;
import io.rampart.firewall.Offenders;
import io.rampart.geo.GeoLookup;
import io.rampart.incident.Alerts;
import io.rampart.incident.GatewayCounters;
import io.rampart.incident.IncidentStore;
import io.rampart.incident.Incidents;
import io.rampart.incident.SqliteIncidentStore;
import io.rampart.metrics.GatewayMetrics;
import io.rampart.mitigate.AccessLists;
import io.rampart.mitigate.AddressCrowds;
import io.rampart.mitigate.GcraTable;
import io.rampart.mitigate.LimitExchange;
import io.rampart.mitigate.Policy;
import io.rampart.mitigate.PolicyHolder;
import io.rampart.mitigate.RefIds;
import io.rampart.mitigate.RefLedger;
import io.rampart.mitigate.SiteLimits;
import io.rampart.mitigate.Verdict;
import io.rampart.shield.Snapshots;
import io.rampart.tls.AcmeChallenges;
import io.rampart.traffic.FeatureHasher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;

/**
 * What the gateway learns and holds for as long as the process runs, whatever the configuration:
 * rate-limit buckets, challenge signing keys and redeemed tickets, the allow and deny lists' run-time
 * entries, the control plane (baselines, rules), incidents, each site's recorder and admission
 * gate, pooled origin connections, snapshots, counters. Built once at start; every
 * {@link GatewayRuntime} (one per configuration) reads it, and a {@link Reload} never rebuilds it.
 * The settings that shaped it (limiter table size, challenge secret, detection tick…) are the ones
 * a reload refuses to change ({@link Reload#needsRestart}).
 */
final class SharedState {
    final GatewayMetrics metrics;
    final LongSupplier ticker;
    /** Requests between head and end of response, for graceful stop. */
    final AtomicInteger inFlight = new AtomicInteger();
    /** Recent requests by reference id, for the admin API. */
    final RefLedger refs = new RefLedger();
    /** Open HTTP/2 streams per client. */
    final StreamGate streams = new StreamGate();
    /** Pending ACME answers (HTTP-01 and TLS-ALPN-01). */
    final AcmeChallenges acmeChallenges = new AcmeChallenges();
    /** Autonomous system and country of clients ({@code incidents.geoDatabases}). */
    final GeoLookup geo;
    /** Allow and deny lists: the configuration's plus run-time entries. */
    final AccessLists lists;
    final GcraTable limiterTable;
    /** The control plane's decisions, read once per request. */
    final PolicyHolder policy;
    final UpstreamPool pool = new UpstreamPool(UpstreamPool.MAX_IDLE_PER_UPSTREAM);
    final Snapshots snapshots;
    /** Each site's recorder and admission gate, by name. */
    final SiteMemory memory = new SiteMemory();
    /** Challenge signing keys and the record of redeemed tickets. */
    final Tickets tickets;
    final FeatureHasher hasher;
    /** Incident records, or null when {@code incidents.enabled} is off. */
    final Incidents incidents;
    final IncidentStore incidentStore;
    /** The control plane, or null when detection is off; it is given its sites by the first runtime. */
    final ControlPlane control;
    /** How many people each address has shown (an office behind one NAT address), kept across restarts. */
    final AddressCrowds crowds;
    /** How each client browses ({@link io.rampart.traffic.BrowsingHabits}): 512 KB, fixed. */
    final io.rampart.traffic.BrowsingHabits habits = new io.rampart.traffic.BrowsingHabits();
    private final CrowdKeeper crowdKeeper;
    /** Clients that keep earning {@code close}, for the kernel firewall; null when {@code firewall.enabled} is off. */
    final Offenders offenders;
    /** The kernel firewall, or null when off; made by the gateway once its listeners are bound (it guards their ports). */
    volatile KernelFirewall firewall;

    /** Where this node's decisions go out to a cluster ({@link Decisions#NONE} without one). */
    final Decisions decisions;
    /** What this node admitted per shared limit key, for the cluster's reconciliation ({@link LimitExchange#OFF} without one). */
    final LimitExchange limitExchange;

    SharedState(RampartConfig config, GatewayMetrics metrics, LongSupplier ticker) {
        this(config, metrics, ticker, null);
    }

    /** @param join the cluster this node joins, or null */
    SharedState(RampartConfig config, GatewayMetrics metrics, LongSupplier ticker, ClusterJoin join) {
        this.metrics = metrics;
        this.ticker = ticker;
        this.geo = GeoLookup.open(config.incidents().geoDatabases());
        this.lists = new AccessLists(config.allow(), config.deny());
        this.limiterTable = new GcraTable(config.limiter().tableSize());
        this.policy = new PolicyHolder(Policy.quiet(config.sites().size()));
        this.snapshots = new Snapshots(ticker);
        StateStore store = openState(config.effectiveStateDir());
        ClusterSecrets secrets = join == null ? ClusterSecrets.NONE : join.secrets(store.hashKey());
        if (secrets.featureKey() != null) {
            store = store.withKey(secrets.featureKey());
        }
        if (join != null) {
            if (!store.learned()) { // a node joining (or replaced) starts from what the cluster learned, not cold
                store = store.adopt(join.detectionState());
            }
            store.mirror(join.detectionStateSink());
        }
        String challengeSecret = config.challenge().secret() != null ? config.challenge().secret() : secrets.challengeSecret();
        this.tickets = new Tickets(new TicketKeys(challengeSecret, config.challenge().keyRotation(),
                System::currentTimeMillis), 1_000_000, ticker::getAsLong);
        this.decisions = join == null ? Decisions.NONE : new Decisions(join.sink(), join.node());
        this.limitExchange = join == null ? LimitExchange.OFF : new LimitExchange(store.hashKey());
        lists.decisions(decisions);
        tickets.decisions(decisions);
        this.hasher = store.hasher();
        this.crowds = new AddressCrowds(Math.min(config.knownUsers().usersPerAddress(), SiteLimits.SHARED_MAX),
                System::currentTimeMillis);
        FirewallConfig fw = config.firewall();
        this.offenders = fw.enabled() ? new Offenders(fw.closesBeforeDrop(), fw.offenderWindow().toMillis(),
                fw.offenderDrop().toMillis(), fw.maxEntries(), System::currentTimeMillis) : null;
        this.crowdKeeper = new CrowdKeeper(crowds, store.enabled() ? config.effectiveStateDir() : null, hasher.hash("shared-addresses"));
        if (config.incidents().enabled()) {
            this.incidentStore = config.dataDir() == null ? SqliteIncidentStore.inMemory()
                    : SqliteIncidentStore.open(Path.of(config.dataDir()));
            this.incidents = new Incidents(config.incidents(), List.of(), incidentStore, Alerts.of(config.alerts()).metered(metrics::alertDelivery),
                    Clock.systemUTC(), countersOf(metrics, () -> firewall),
                    decisions.enabled() ? decisions.node() : RefLedger.nodeOf(RefIds.node() << 48), geo);
            Incidents reporting = this.incidents;
            this.incidents.cert(Alerts.cert(config.incidents().cert(), config.alerts(), reporting::reporter));
        } else {
            this.incidentStore = null;
            this.incidents = null;
        }
        if (config.detection().enabled()) {
            this.control = new ControlPlane(config.detection(), List.of(), policy, Clock.systemDefaultZone(), store, metrics);
            control.geo(geo);
            control.decisions(decisions);
            if (incidents != null) {
                control.listen(incidents);
            }
        } else {
            this.control = null;
        }
        if (incidents != null) {
            Incidents open = incidents;
            metrics.gauge("rampart.incidents.open", "Sites with an open incident now", open::openCount);
        }
        AddressCrowds book = crowds;
        metrics.gauge("rampart.shared.addresses", "Addresses where two or more people were seen (an office or carrier NAT)",
                book::crowdCount);
        GcraTable table = limiterTable;
        metrics.gauge("rampart.limiter.entries", "Clients and prefixes with live rate-limit state",
                () -> table.liveEntries(ticker.getAsLong()));
        metrics.gauge("rampart.limiter.capacity", "Slots in the rate-limit table (its fixed memory bound)",
                table::capacity);
    }

    /** Stops what runs in the background and closes what is open (at the gateway's stop). */
    void close() {
        crowdKeeper.close();
        if (firewall != null) {
            firewall.close();
        }
        metrics.close();
        if (control != null) {
            control.close();
        }
        if (incidents != null) {
            incidents.close();
            incidentStore.close();
        }
    }

    private static GatewayCounters countersOf(GatewayMetrics metrics, java.util.function.Supplier<KernelFirewall> firewall) {
        return new GatewayCounters() {
            @Override
            public long droppedInKernel() {
                KernelFirewall fw = firewall.get();
                return fw == null ? 0 : fw.droppedPackets();
            }

            @Override
            public long[] verdicts(int siteIndex) {
                Verdict[] all = Verdict.values();
                long[] out = new long[all.length];
                for (Verdict v : all) {
                    out[v.ordinal()] = metrics.requestCount(siteIndex, v);
                }
                return out;
            }

            @Override
            public long slowClientsClosed() {
                return metrics.slowClientsClosed();
            }

            @Override
            public long connectionsRejected() {
                return metrics.connectionsRejected();
            }
        };
    }

    private static StateStore openState(String dir) {
        if (dir == null) {
            return StateStore.none();
        }
        try {
            return StateStore.open(Path.of(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("detection state directory " + dir + ": " + e.getMessage(), e);
        }
    }
}

package io.rampart.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.rampart.config.ConfigLoader;
import io.rampart.config.IncidentsConfig;
import io.rampart.incident.Alert;
import io.rampart.incident.Alerts;
import io.rampart.incident.GatewayCounters;
import io.rampart.incident.IncidentRecord;
import io.rampart.incident.Incidents;
import io.rampart.incident.Notifier;
import io.rampart.incident.SqliteIncidentStore;
import io.rampart.mitigate.Policy;
import io.rampart.mitigate.PolicyHolder;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.FeatureHasher;
import io.rampart.traffic.TrafficRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Incidents heard from a real control plane, driven tick by tick with an injected clock: opened
 * by an attack, fed its figures, closed after the quiet period, never opened by a flash crowd;
 * opened and closed by hand; data egress; a crash's open incident closed at the next start.
 */
class IncidentLifecycleTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T19:00:00Z"));
    private final TrafficRecorder recorder = new TrafficRecorder();
    private final PolicyHolder holder = new PolicyHolder(Policy.quiet(1));
    private final Traffic traffic = new Traffic(new FeatureHasher(42), holder);
    private final SqliteIncidentStore store = SqliteIncidentStore.inMemory();
    private final List<Alert> alerts = new CopyOnWriteArrayList<>();
    private ControlPlane plane;
    private Incidents incidents;

    @AfterEach
    void close() {
        if (plane != null) {
            plane.close();
        }
        if (incidents != null) {
            incidents.close();
        }
        store.close();
    }

    private void start(String closeAfter) throws Exception {
        String text = "sites:\n  - {name: s, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}\n"
                + "detection: {tick: 1s, recoverFor: 2s, stepDownAfter: 2s, ruleTtl: 5s}\n"
                + "incidents: {closeAfter: " + closeAfter + ", bulkResponse: 1MB}\n";
        var config = new ConfigLoader().parse(text, "test.yml");
        Notifier capture = new Notifier() {
            @Override
            public String name() {
                return "test";
            }

            @Override
            public void send(Alert a) {
                alerts.add(a);
            }
        };
        incidents = new Incidents(config.incidents(), List.of("s"), store, new Alerts(List.of(capture), 1, Duration.ofMillis(10)),
                clock, GatewayCounters.NONE, "abc");
        plane = new ControlPlane(config.detection(), List.of(new ControlPlane.SiteSpec("s", 0, recorder, () -> false, null)),
                holder, clock, StateStore.none(), null);
        plane.listen(incidents);
    }

    private void tick() {
        clock.advance(Duration.ofSeconds(1));
        plane.tick();
    }

    /** A normal second with ten known users answered in 20 ms. */
    private void normalSecond() {
        traffic.normalSecond(recorder, 40);
        for (int i = 0; i < 10; i++) {
            recorder.record(traffic.features("10.9.0." + (i + 1), Traffic.browserHead("/account", Traffic.BROWSERS.get(0))),
                    TrafficRecorder.KNOWN, 1000 + i);
            recorder.originAnswered(200, 20_000_000, true);
            recorder.responded(30_000, false, 1 << 20, ClientAddress.parse("10.1.0.1"), "/", 200);
        }
    }

    /** Seconds of a 2,000 req/s bot flood alongside the normal traffic, one tick each. */
    private void floodSeconds(int n) {
        for (int s = 0; s < n; s++) {
            traffic.floodSecond(recorder, 2000, false);
            normalSecond();
            tick();
        }
    }

    private void normalSeconds(int n) {
        for (int i = 0; i < n; i++) {
            normalSecond();
            tick();
        }
    }

    @Test
    void attack_opensAnIncident_withItsFigures_andItClosesAfterTheQuietPeriod() throws Exception {
        start("3s");
        normalSeconds(25);
        assertThat(incidents.list(10)).isEmpty();
        floodSeconds(6);
        String id = incidents.openIncident("s");
        assertThat(id).as("an incident is open during the attack").startsWith("s-20261120-19");
        IncidentRecord open = incidents.find(id).orElseThrow();
        assertThat(open.open()).isTrue();
        assertThat(open.openedBy()).isEqualTo("detector");
        assertThat(open.attackStartedAt()).isNotNull();
        assertThat(open.mitigatedAt()).as("a rule was deployed: %s", open.timeline()).isNotNull();
        assertThat(open.secondsToMitigate()).isLessThanOrEqualTo(2.0);
        assertThat(open.vectors()).contains("HTTP request flood");
        assertThat(open.rules()).isNotEmpty();
        assertThat(open.rules().get(0).conditions()).contains("path=/search");
        assertThat(open.profile().requests()).isGreaterThan(20_000);
        assertThat(open.profile().peakRequestsPerSecond()).isGreaterThan(4000);
        assertThat(open.profile().distinctRefusedSources()).as("HLL of refused sample addresses").isGreaterThan(500);
        assertThat(open.profile().networks()).isNotEmpty();
        assertThat(open.profile().networks().get(0).value()).startsWith("100.");
        assertThat(open.profile().paths().get(0).value()).startsWith("/search");
        // the flood carried the same browser user agents as the site's real visitors: observed, never indicators
        assertThat(open.profile().userAgents()).isNotEmpty();
        assertThat(open.profile().commonUserAgents()).containsAll(open.profile().userAgents().stream().map(IncidentRecord.Count::value).toList());
        String stix = io.rampart.incident.Reports.render(open, "stix", java.time.Instant.now());
        assertThat(stix).contains("ipv4-addr:value").doesNotContain("'User-Agent'");
        assertThat(io.rampart.incident.StixRules.problems(io.rampart.incident.IncidentJson.MAPPER.readTree(stix))).isEmpty();
        // the series holds every tick of the incident, and adds up to its totals
        assertThat(open.series().size()).isBetween(3, 8);
        assertThat(java.util.Arrays.stream(open.series().requests()).sum()).isEqualTo(open.profile().requests());
        assertThat(java.util.Arrays.stream(open.series().refused()).max().orElse(0)).as("the flood refused in the series").isGreaterThan(1000);
        assertThat(open.impact().knownRequests()).as("ten a second while the incident was open").isBetween(40L, 60L);
        assertThat(open.impact().knownErrorRate()).as("known users were not refused").isZero();
        assertThat(open.impact().knownLatencyMsBefore()).isEqualTo(20.0);
        assertThat(open.egress().suspicious()).isFalse();
        assertThat(open.timeline()).extracting(IncidentRecord.TimelineEntry::kind).contains("incident", "state", "rule");
        assertThat(open.timeline().get(0).text()).as("what normal was: 100 requests in every normal second")
                .isEqualTo("opened by detector (normal rate 100.0 requests/s)");
        await().untilAsserted(() -> assertThat(alerts).extracting(a -> a.kind()).contains(Alert.Kind.OPENED));

        normalSeconds(30);
        assertThat(incidents.openIncident("s")).as("closed after recoverFor + closeAfter of calm").isNull();
        incidents.flush();
        IncidentRecord closed = store.find(id).orElseThrow();
        assertThat(closed.status()).isEqualTo("closed");
        assertThat(closed.series().size()).as("kept through the store").isGreaterThan(open.series().size());
        assertThat(closed.closedBy()).isEqualTo("detector");
        assertThat(closed.closedAt()).isAfter(closed.openedAt());
        assertThat(closed.timeline()).extracting(IncidentRecord.TimelineEntry::text).anyMatch(t -> t.startsWith("closed: the site has been normal"));
        await().untilAsserted(() -> assertThat(alerts).extracting(a -> a.kind()).contains(Alert.Kind.CLOSED));
        await().untilAsserted(() -> assertThat(store.find(id).orElseThrow().timeline())
                .extracting(IncidentRecord.TimelineEntry::text).anyMatch(t -> t.contains("alert sent to test")));
    }

    @Test
    void aReloadedCloseAfter_appliesToTheIncidentAlreadyOpen() throws Exception {
        start("10m");
        normalSeconds(25);
        floodSeconds(6);
        assertThat(incidents.openIncident("s")).isNotNull();
        normalSeconds(30);
        assertThat(incidents.openIncident("s")).as("10 minutes of calm are asked for").isNotNull();

        incidents.config(new ConfigLoader().parse("sites:\n  - {name: s, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}\n"
                + "incidents: {closeAfter: 3s}\n", "next.yml").incidents());
        normalSeconds(5);
        assertThat(incidents.openIncident("s")).as("closed after the reloaded 3 s of calm").isNull();
    }

    @Test
    void flashCrowd_opensNoIncident() throws Exception {
        start("3s");
        normalSeconds(15);
        for (int s = 0; s < 8; s++) {
            traffic.crowdSecond(recorder, 400, s);
            normalSecond();
            tick();
        }
        assertThat(incidents.openIncident("s")).isNull();
        assertThat(incidents.list(10)).isEmpty();
    }

    @Test
    void operatorIncident_staysOpenThroughCalm_untilClosedByHand_andAuditsLandInItsTimeline() throws Exception {
        start("1s");
        normalSeconds(12);
        IncidentRecord r = incidents.openByOperator("s", "operator@127.0.0.1", "ISP reports a flood upstream");
        normalSeconds(10);
        assertThat(incidents.openIncident("s")).isEqualTo(r.id());
        incidents.audit("s", "operator@127.0.0.1", "under-attack switch turned on");
        assertThat(incidents.closeByOperator("nope", "x", null)).isEmpty();
        IncidentRecord closed = incidents.closeByOperator(r.id(), "operator@127.0.0.1", "all clear").orElseThrow();
        assertThat(closed.closedBy()).isEqualTo("operator@127.0.0.1");
        assertThat(closed.timeline()).extracting(IncidentRecord.TimelineEntry::text)
                .contains("opened by operator@127.0.0.1: ISP reports a flood upstream")
                .contains("operator@127.0.0.1: under-attack switch turned on")
                .contains("closed by operator@127.0.0.1: all clear");
        assertThat(closed.attackStartedAt()).isNull();
        assertThat(incidents.openIncident("s")).isNull();
    }

    @Test
    void openingOnAnUnknownSite_namesTheSites() throws Exception {
        start("1s");
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> incidents.openByOperator("nope", "o", "x"))
                .hasMessageContaining("no site named 'nope'").hasMessageContaining("sites: s");
    }

    @Test
    void largeResponsesToAnonymousClients_areListed_andTheEgressStatementSaysReview() throws Exception {
        start("1s");
        normalSeconds(12);
        IncidentRecord r = incidents.openByOperator("s", "o", "drill");
        normalSecond();
        recorder.responded(5L << 20, false, 1 << 20, ClientAddress.parse("203.0.113.9"), "/export/members.csv", 200);
        recorder.responded(8L << 20, true, 1 << 20, ClientAddress.parse("10.9.0.1"), "/export/members.csv", 200);
        tick();
        IncidentRecord now = incidents.find(r.id()).orElseThrow();
        assertThat(now.egress().suspicious()).isTrue();
        assertThat(now.egress().bulk()).hasSize(1).first().satisfies(b -> {
            assertThat(b.client()).isEqualTo("203.0.113.9");
            assertThat(b.target()).isEqualTo("/export/members.csv");
            assertThat(b.bytes()).isEqualTo(5L << 20);
        });
        assertThat(now.egress().statement()).contains("Review the listed responses");
    }

    @Test
    void anIncidentLeftOpenByACrash_isClosedAtTheNextStart() throws Exception {
        start("1s");
        normalSeconds(12);
        IncidentRecord r = incidents.openByOperator("s", "o", "before the crash");
        incidents.flush();
        assertThat(store.find(r.id()).orElseThrow().open()).isTrue();
        Incidents again = new Incidents(IncidentsConfig.DEFAULT, List.of("s"), store, null, clock, GatewayCounters.NONE, "abc");
        IncidentRecord after = store.find(r.id()).orElseThrow();
        assertThat(after.open()).isFalse();
        assertThat(after.closedBy()).isEqualTo("restart");
        again.close();
    }
}

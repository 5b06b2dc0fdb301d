package io.rampart.detect;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.handler.codec.http.HttpMethod;
import io.rampart.config.MitigationStep;
import io.rampart.mitigate.Policy;
import io.rampart.mitigate.PolicyHolder;
import io.rampart.mitigate.Rule;
import io.rampart.geo.GeoLookup;
import io.rampart.testing.GeoDatabases;
import io.rampart.traffic.TrafficRecorder;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Rules an operator adds through the admin API: hashed as the data plane hashes, enforced at once, lapsing on time. */
class OperatorRulesTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T19:00:00Z"));
    private final PolicyHolder holder = new PolicyHolder(Policy.quiet(1));
    private final StateStore store = StateStore.none();
    private final Traffic traffic = new Traffic(store.hasher(), null);

    private ControlPlane plane() throws Exception {
        return new ControlPlane(ControlPlaneTest.detection(""), List.of(new ControlPlane.SiteSpec("s", 0, new TrafficRecorder(), () -> false, null)),
                holder, clock, store, null);
    }

    @Test
    void onlyEnforcedRulesOnASourceAlone_atBlockOrClose_areOfferedToTheKernel() throws Exception {
        ControlPlane plane = plane();
        String network = plane.addRule("s", Map.of("network", "100.64.3.0/24"), MitigationStep.BLOCK, Duration.ofSeconds(30), "o");
        String address = plane.addRule("s", Map.of("address", "198.51.100.7"), MitigationStep.CLOSE, null, "o");
        plane.addRule("s", Map.of("network", "100.64.4.0/24", "path", "/login"), MitigationStep.BLOCK, null, "o"); // not the source alone
        plane.addRule("s", Map.of("network", "100.64.5.0/24"), MitigationStep.CHALLENGE, null, "o"); // a challenge passes people
        assertThat(plane.sourceRules()).extracting(ControlPlane.SourceRule::id).containsExactlyInAnyOrder(network, address);
        ControlPlane.SourceRule net = plane.sourceRules().stream().filter(r -> r.id().equals(network)).findFirst().orElseThrow();
        assertThat(net.sources()).containsExactly("100.64.3.0/24");
        assertThat(net.millisLeft()).isEqualTo(30_000);
        assertThat(net.byOperator()).isTrue();
        assertThat(plane.sourceRules().stream().filter(r -> r.id().equals(address)).findFirst().orElseThrow().millisLeft())
                .as("no end: until the operator removes it").isEqualTo(-1);
        clock.advance(Duration.ofSeconds(31));
        plane.tick();
        assertThat(plane.sourceRules()).extracting(ControlPlane.SourceRule::id).containsExactly(address);
        plane.close();
    }

    @Test
    void aRuleOnNetworkPathAndMethod_matchesThoseRequestsOnly_andLapsesAfterItsTtl() throws Exception {
        ControlPlane plane = plane();
        String id = plane.addRule("s", Map.of("network", "100.64.3.0/24", "path", "/login/123", "method", "post"),
                MitigationStep.BLOCK, Duration.ofSeconds(30), "operator@127.0.0.1");
        Rule r = holder.get().site(0).match(traffic.features("100.64.3.99", Traffic.botHead(HttpMethod.POST, "/login/456", "curl/8")));
        assertThat(r).as("same /24, same path shape (digits folded), same method").isNotNull();
        assertThat(r.id()).isEqualTo(id);
        assertThat(r.step()).isEqualTo(MitigationStep.BLOCK);
        assertThat(holder.get().site(0).match(traffic.features("100.64.4.1", Traffic.botHead(HttpMethod.POST, "/login/1", "curl/8")))).isNull();
        assertThat(holder.get().site(0).match(traffic.features("100.64.3.1", Traffic.botHead(HttpMethod.GET, "/login/1", "curl/8")))).isNull();
        assertThat(plane.view().get(0).rules()).extracting(SiteView.RuleView::repeatOf).anyMatch(s -> s.startsWith("added by operator@127.0.0.1"));
        clock.advance(Duration.ofSeconds(31));
        plane.tick();
        assertThat(holder.get().site(0).hasRules()).as("lapsed").isFalse();
        assertThat(plane.view().get(0).events()).anyMatch(e -> e.contains("rule " + id + " (added by operator@127.0.0.1) lapsed"));
        plane.close();
    }

    @Test
    void rulesOnAnAutonomousSystemOrACountry_matchItsClientsOnly_andNeedGeoDatabases(@TempDir Path dir) throws Exception {
        ControlPlane plane = plane();
        assertThatThrownBy(() -> plane.addRule("s", Map.of("asn", "AS64500"), MitigationStep.BLOCK, null, "o"))
                .hasMessage("match.asn: needs geo databases (incidents.geoDatabases); none is configured");
        try (GeoLookup geo = GeoLookup.open(GeoDatabases.all(dir))) {
            plane.geo(geo);
            assertThatThrownBy(() -> plane.addRule("s", Map.of("asn", "ASx"), MitigationStep.BLOCK, null, "o"))
                    .hasMessage("match.asn: expected an autonomous system number such as AS64500, got 'ASx'");
            assertThatThrownBy(() -> plane.addRule("s", Map.of("country", "Netherlands"), MitigationStep.BLOCK, null, "o"))
                    .hasMessage("match.country: expected a two-letter ISO 3166 code such as NL, got 'Netherlands'");
            String byAsn = plane.addRule("s", Map.of("asn", "64500"), MitigationStep.BLOCK, null, "o");
            Rule r = holder.get().site(0).match(geoFeatures(geo, "127.31.200.7"));
            assertThat(r).as("AS64500 holds 127.31.0.0/16").isNotNull();
            assertThat(r.id()).isEqualTo(byAsn);
            assertThat(holder.get().site(0).match(geoFeatures(geo, "127.32.0.1"))).as("AS64501").isNull();
            assertThat(plane.removeRule(byAsn, "o")).isTrue();
            plane.addRule("s", Map.of("country", "xa"), MitigationStep.CHALLENGE, null, "o");
            assertThat(holder.get().site(0).match(geoFeatures(geo, "127.32.0.1"))).as("127.32.0.0/16 is in XA").isNotNull();
            assertThat(holder.get().site(0).match(geoFeatures(geo, "127.31.0.1"))).as("127.31.0.0/16 is in ZZ").isNull();
            assertThat(holder.get().site(0).match(geoFeatures(geo, "127.0.0.1"))).as("unknown to the databases").isNull();
        }
        plane.close();
    }

    private io.rampart.traffic.RequestFeatures geoFeatures(GeoLookup geo, String ip) {
        io.netty.handler.codec.http.HttpRequest head = Traffic.botHead(HttpMethod.GET, "/", "curl/8");
        return new io.rampart.traffic.RequestFeatures(store.hasher()).geo(geo).fill(io.rampart.traffic.ClientAddress.parse(ip), head, "/");
    }

    @Test
    void aRuleOnOneAddressAndUserAgent_isRemovedByHand() throws Exception {
        ControlPlane plane = plane();
        String id = plane.addRule("s", Map.of("address", "203.0.113.9", "userAgent", "EvilBot/1.0"), MitigationStep.CLOSE, null, "o");
        assertThat(holder.get().site(0).match(traffic.features("203.0.113.9", Traffic.botHead(HttpMethod.GET, "/", "EvilBot/1.0")))).isNotNull();
        assertThat(holder.get().site(0).match(traffic.features("203.0.113.9", Traffic.botHead(HttpMethod.GET, "/", "Mozilla/5.0")))).isNull();
        assertThat(plane.removeRule("nope", "o")).isFalse();
        assertThat(plane.removeRule(id, "o")).isTrue();
        assertThat(holder.get().site(0).hasRules()).isFalse();
        plane.close();
    }

    @Test
    void malformedRules_areRefusedWithTheKeyAtFault() throws Exception {
        ControlPlane plane = plane();
        assertThatThrownBy(() -> plane.addRule("x", Map.of("path", "/"), MitigationStep.BLOCK, null, "o")).hasMessage("site: no site named 'x'");
        assertThatThrownBy(() -> plane.addRule("s", Map.of(), MitigationStep.BLOCK, null, "o")).hasMessageStartingWith("match: expected at least one of");
        assertThatThrownBy(() -> plane.addRule("s", Map.of("colour", "red"), MitigationStep.BLOCK, null, "o")).hasMessageStartingWith("match.colour: unknown key");
        assertThatThrownBy(() -> plane.addRule("s", Map.of("network", "10.0.0.0/20"), MitigationStep.BLOCK, null, "o"))
                .hasMessageContaining("/24 or /16").hasMessageContaining("deny list");
        assertThatThrownBy(() -> plane.addRule("s", Map.of("address", "not-an-ip"), MitigationStep.BLOCK, null, "o"))
                .hasMessage("match.address: 'not-an-ip' is not an IP address");
        assertThatThrownBy(() -> plane.addRule("s", Map.of("path", "login"), MitigationStep.BLOCK, null, "o")).hasMessageStartingWith("match.path");
        assertThatThrownBy(() -> plane.addRule("s", Map.of("path", "/"), MitigationStep.OBSERVE, null, "o")).hasMessageStartingWith("step:");
        assertThatThrownBy(() -> plane.addRule("s", Map.of("hfp", "curl/8"), MitigationStep.BLOCK, null, "o"))
                .hasMessage("match.hfp: expected the 16 hex digits of a header fingerprint as the access log shows it, got 'curl/8'");
        assertThat(holder.get().site(0).hasRules()).isFalse();
        plane.close();
    }
}

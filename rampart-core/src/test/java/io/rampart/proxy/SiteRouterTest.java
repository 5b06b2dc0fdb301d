package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.mitigate.IpSet;
import io.rampart.traffic.ClientAddress;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaders;
import java.util.List;
import org.junit.jupiter.api.Test;

class SiteRouterTest {
    @Test
    void hostOf_normalisesAndRefusesGarbage() {
        assertThat(SiteRouter.hostOf("WWW.Example.ORG:8080")).isEqualTo("www.example.org");
        assertThat(SiteRouter.hostOf("example.org.")).isEqualTo("example.org");
        assertThat(SiteRouter.hostOf("[::1]:80")).isEqualTo("::1");
        assertThat(SiteRouter.hostOf("a b")).isNull();
        assertThat(SiteRouter.hostOf("a:port")).isNull();
        assertThat(SiteRouter.hostOf("a:123456")).isNull();
        assertThat(SiteRouter.hostOf("user@host")).isNull();
        assertThat(SiteRouter.hostOf("")).isNull();
    }

    @Test
    void exactBeatsWildcardBeatsCatchAll() {
        SiteRouter r = new SiteRouter();
        Site exact = new Site("exact", 0, null, null, new String[0], null, false, null, new io.rampart.traffic.TrafficRecorder());
        Site wild = new Site("wild", 1, null, null, new String[0], null, false, null, new io.rampart.traffic.TrafficRecorder());
        Site any = new Site("any", 2, null, null, new String[0], null, false, null, new io.rampart.traffic.TrafficRecorder());
        r.add("www.example.org", exact);
        r.add("*.example.org", wild);
        r.add("*", any);
        assertThat(r.route("www.example.org")).isSameAs(exact);
        assertThat(r.route("a.b.example.org")).isSameAs(wild);
        assertThat(r.route("example.org")).isSameAs(any);
        assertThat(r.route(null)).isSameAs(any);
    }

    @Test
    void routeAuthority_cachesValidAndInvalidAuthoritiesUpToItsBound() {
        SiteRouter r = new SiteRouter();
        Site exact = new Site("exact", 0, null, null, new String[0], null, false, null, new io.rampart.traffic.TrafficRecorder());
        r.add("www.example.org", exact);
        assertThat(r.routeAuthority("WWW.example.org:8443")).isSameAs(exact);
        assertThat(r.routeAuthority("WWW.example.org:8443")).isSameAs(exact);
        assertThat(r.routeAuthority("bad host")).isNull();
        for (int i = 0; i < SiteRouter.CACHE_LIMIT * 2; i++) {
            assertThat(r.routeAuthority("random" + i + ".example")).isNull();
        }
        assertThat(r.routeAuthority("www.example.org")).isSameAs(exact);
    }

    @Test
    void forwardedFor_takesRightmostUntrustedHop_andStopsAtGarbage() {
        IpSet trusted = IpSet.parse(List.of("10.0.0.0/8"));
        ClientAddress peer = ClientAddress.parse("10.0.0.1");
        HttpHeaders h = new DefaultHttpHeaders();
        h.add("X-Forwarded-For", "1.1.1.1, 2.2.2.2");
        h.add("X-Forwarded-For", "10.1.1.1");
        assertThat(ForwardHeaders.clientOf(h, trusted, peer).toString()).isEqualTo("2.2.2.2");
        HttpHeaders bad = new DefaultHttpHeaders();
        bad.add("X-Forwarded-For", "1.1.1.1, not-an-ip, 10.2.2.2");
        assertThat(ForwardHeaders.clientOf(bad, trusted, peer).toString()).isEqualTo("10.2.2.2");
        assertThat(ForwardHeaders.clientOf(new DefaultHttpHeaders(), trusted, peer)).isSameAs(peer);
    }
}

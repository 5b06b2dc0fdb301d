package io.rampart.mitigate;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.config.LimitAction;
import io.rampart.traffic.ClientAddress;
import java.util.List;
import org.junit.jupiter.api.Test;

class RequestDeciderTest {
    private final SiteLimits limits = new SiteLimits(RateLimit.of(1, 1, 1), RateLimit.of(2, 1, 3), LimitAction.LIMIT, 0);

    @Test
    void allowListWins_evenOverTheDenyList() {
        RequestDecider d = new RequestDecider(IpSet.parse(List.of("192.0.2.0/24")), IpSet.parse(List.of("192.0.0.0/8")),
                new GcraTable(1024));
        Decision out = new Decision();
        for (int i = 0; i < 10; i++) {
            d.decide(ClientAddress.parse("192.0.2.1"), limits, 0, out);
            assertThat(out.verdict()).isEqualTo(Verdict.ALLOW);
            assertThat(out.reason()).isEqualTo(Reason.ALLOW_LIST);
        }
        d.decide(ClientAddress.parse("192.0.3.1"), limits, 0, out);
        assertThat(out.verdict()).isEqualTo(Verdict.BLOCK);
        assertThat(out.reason()).isEqualTo(Reason.DENY_LIST);
    }

    @Test
    void clientOverItsLimit_doesNotSpendItsPrefixBudget() {
        RequestDecider d = new RequestDecider(IpSet.EMPTY, IpSet.EMPTY, new GcraTable(1024));
        Decision out = new Decision();
        ClientAddress a = ClientAddress.parse("198.51.100.1");
        d.decide(a, limits, 0, out);
        assertThat(out.verdict()).isEqualTo(Verdict.ALLOW);
        for (int i = 0; i < 5; i++) {
            d.decide(a, limits, 0, out);
            assertThat(out.reason()).isEqualTo(Reason.CLIENT_RATE);
        }
        d.decide(ClientAddress.parse("198.51.100.2"), limits, 0, out);
        assertThat(out.verdict()).isEqualTo(Verdict.ALLOW);
        d.decide(ClientAddress.parse("198.51.100.3"), limits, 0, out);
        assertThat(out.verdict()).isEqualTo(Verdict.ALLOW);
        d.decide(ClientAddress.parse("198.51.100.4"), limits, 0, out);
        assertThat(out.reason()).isEqualTo(Reason.PREFIX_RATE);
        assertThat(out.retryAfterSeconds()).isEqualTo(1);
    }

    /** Issue 4: sixty staff behind one office NAT are not one client; a bot inventing sessions gets the shared budget only. */
    @Test
    void knownUsersBehindOneAddress_areLimitedEachOnTheirOwn_withinTheAddresssSharedBudget() {
        // per client 1/s burst 2; an address may carry 4 users' worth: 4/s burst 8
        SiteLimits office = new SiteLimits(RateLimit.of(1, 1, 2), null, LimitAction.LIMIT, 0, RateLimit.of(3, 4, 8));
        RequestDecider d = new RequestDecider(IpSet.EMPTY, IpSet.EMPTY, new GcraTable(1024));
        Decision out = new Decision();
        ClientAddress nat = ClientAddress.parse("203.0.113.60");
        for (int person = 1; person <= 4; person++) {
            for (int i = 0; i < 2; i++) {
                d.decide(nat, office, 0, person * 7919L, 1, false, out);
                assertThat(out.verdict()).as("person %d request %d", person, i).isEqualTo(Verdict.ALLOW);
            }
        }
        d.decide(nat, office, 0, 1 * 7919L, 1, false, out);
        assertThat(out.reason()).as("one person past their own burst").isEqualTo(Reason.CLIENT_RATE);
        d.decide(nat, office, 0, 99L, 1, false, out);
        assertThat(out.reason()).as("a fifth session: the address's shared budget is spent").isEqualTo(Reason.CLIENT_RATE);
        d.decide(ClientAddress.parse("203.0.113.61"), office, 0, 0, 1, false, out);
        assertThat(out.verdict()).as("another address is untouched").isEqualTo(Verdict.ALLOW);
        d.decide(nat, office, 0, 0, 1, false, out);
        assertThat(out.verdict()).as("an anonymous request from the NAT has its own per-client bucket").isEqualTo(Verdict.ALLOW);
    }

    @Test
    void anonymousRequestsFromAnAddressSharedByKnownUsers_getThatManyTimesTheLimit() {
        SiteLimits login = new SiteLimits(RateLimit.of(1, 1, 2), null, LimitAction.LIMIT, 0, RateLimit.of(3, 16, 32));
        RequestDecider d = new RequestDecider(IpSet.EMPTY, IpSet.EMPTY, new GcraTable(1024));
        Decision out = new Decision();
        ClientAddress office = ClientAddress.parse("203.0.113.60");
        for (int i = 0; i < 20; i++) {
            d.decide(office, login, 0, 0, 10, false, out);
            assertThat(out.verdict()).as("log-in %d of the office's first twenty", i).isEqualTo(Verdict.ALLOW);
        }
        d.decide(office, login, 0, 0, 10, false, out);
        assertThat(out.reason()).as("ten users' burst, spent").isEqualTo(Reason.CLIENT_RATE);
        ClientAddress home = ClientAddress.parse("198.51.100.9");
        d.decide(home, login, 0, 0, 1, false, out);
        d.decide(home, login, 0, 0, 1, false, out);
        d.decide(home, login, 0, 0, 1, false, out);
        assertThat(out.reason()).as("one person's address keeps one person's limit").isEqualTo(Reason.CLIENT_RATE);
        assertThat(login.perClientFor(1000)).as("capped").isSameAs(login.perClientFor(64));
    }

    @Test
    void ipv6Prefix_isTheSlash64() {
        ClientAddress a = ClientAddress.parse("2001:db8:1:2::1");
        ClientAddress b = ClientAddress.parse("2001:db8:1:2:ffff::9");
        ClientAddress c = ClientAddress.parse("2001:db8:1:3::1");
        assertThat(a.prefixKey()).isEqualTo(b.prefixKey()).isNotEqualTo(c.prefixKey());
        assertThat(a.key()).isNotEqualTo(b.key());
        assertThat(a.toString()).isEqualTo("2001:db8:1:2::1");
    }

    @Test
    void refIds_areTwelveUnambiguousCharacters() {
        long r = RefIds.next();
        assertThat(RefIds.format(r)).matches("[0-9A-HJKMNP-TV-Z]{12}");
        assertThat(RefIds.format(RefIds.next())).isNotEqualTo(RefIds.format(r));
        assertThat(RefIds.formatAscii(r).toString()).isEqualTo(RefIds.format(r));
    }
}

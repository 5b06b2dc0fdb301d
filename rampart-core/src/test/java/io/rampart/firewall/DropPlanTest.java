package io.rampart.firewall;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class DropPlanTest {
    private static Judgement j(String entry, long until, Judgement.Kind kind) {
        return new Judgement(DropEntry.parse(entry), until, kind.id(), kind);
    }

    private static List<String> planned(DropPlan p) {
        return p.entries().keySet().stream().map(DropEntry::toString).toList();
    }

    @Test
    void theAllowListWinsOverEveryJudgement() {
        DropPlan p = DropPlan.of(List.of(j("192.0.2.7", 10_000, Judgement.Kind.OFFENDER),
                j("192.0.2.0/28", 10_000, Judgement.Kind.RULE), j("198.51.100.0/24", Judgement.FOREVER, Judgement.Kind.DENY_LIST)),
                List.of(DropEntry.parse("192.0.2.0/24"), DropEntry.parse("198.51.100.9")), 100);
        // the denied /24 around an allowed address stays: the kernel's allow set, checked first, lets that address in
        assertThat(planned(p)).containsExactly("198.51.100.0/24");
    }

    @Test
    void oneElementPerEntryWithTheLatestEnd() {
        DropPlan p = DropPlan.of(List.of(j("192.0.2.7", 5_000, Judgement.Kind.OFFENDER), j("192.0.2.7", 9_000, Judgement.Kind.RULE),
                j("192.0.2.7", 7_000, Judgement.Kind.OFFENDER)), List.of(), 100);
        assertThat(p.entries()).hasSize(1);
        assertThat(p.entries().values().iterator().next().untilMillis()).isEqualTo(9_000);
    }

    @Test
    void aPrefixInsideAnotherWaitsButAddressesStay() {
        DropPlan p = DropPlan.of(List.of(j("10.1.0.0/16", 5_000, Judgement.Kind.RULE), j("10.1.2.0/24", 9_000, Judgement.Kind.RULE),
                j("10.1.2.3", 9_000, Judgement.Kind.OFFENDER), j("10.2.0.0/24", 9_000, Judgement.Kind.RULE)), List.of(), 100);
        assertThat(planned(p)).containsExactly("10.1.0.0/16", "10.1.2.3", "10.2.0.0/24");
    }

    @Test
    void pastTheBoundTheFullestNetworksAreFoldedFirst() {
        List<Judgement> wanted = new ArrayList<>();
        for (int i = 1; i <= 50; i++) {
            wanted.add(j("203.0.113." + i, 10_000 + i, Judgement.Kind.OFFENDER));
        }
        for (int i = 1; i <= 3; i++) {
            wanted.add(j("198.51.100." + i, 10_000, Judgement.Kind.OFFENDER));
        }
        wanted.add(j("192.0.2.1", 10_000, Judgement.Kind.OFFENDER));
        DropPlan p = DropPlan.of(wanted, List.of(), 10);
        assertThat(planned(p)).containsExactly("192.0.2.1", "198.51.100.1", "198.51.100.2", "198.51.100.3", "203.0.113.0/24");
        assertThat(p.folded()).isEqualTo(50);
        assertThat(p.entries().get(DropEntry.parse("203.0.113.0/24")).untilMillis()).isEqualTo(10_050);
        assertThat(p.leftOut()).isZero();
    }

    @Test
    void aNetworkHoldingAnAllowedAddressIsNeverFolded() {
        List<Judgement> wanted = new ArrayList<>();
        for (int i = 1; i <= 20; i++) {
            wanted.add(j("203.0.113." + i, 10_000, Judgement.Kind.OFFENDER));
        }
        DropPlan p = DropPlan.of(wanted, List.of(DropEntry.parse("203.0.113.200")), 5);
        assertThat(p.entries().keySet()).noneMatch(e -> !e.isAddress());
        assertThat(p.entries()).hasSize(5);
        assertThat(p.leftOut()).isEqualTo(15);
    }

    @Test
    void whatStillDoesNotFitIsLeftOutOffendersFirst() {
        List<Judgement> wanted = new ArrayList<>();
        for (int i = 0; i < 30; i++) {
            wanted.add(j("10." + i + ".0.1", 10_000, Judgement.Kind.OFFENDER)); // each alone in its /24: nothing to fold
        }
        wanted.add(j("192.0.2.0/24", Judgement.FOREVER, Judgement.Kind.DENY_LIST));
        wanted.add(j("198.51.100.0/24", 20_000, Judgement.Kind.RULE));
        DropPlan p = DropPlan.of(wanted, List.of(), 20);
        assertThat(p.entries()).hasSize(20);
        assertThat(planned(p)).contains("192.0.2.0/24", "198.51.100.0/24");
        assertThat(p.leftOut()).isEqualTo(12);
    }
}

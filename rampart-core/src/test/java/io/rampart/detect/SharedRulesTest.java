package io.rampart.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.config.MitigationStep;
import io.rampart.mitigate.Condition;
import io.rampart.traffic.Dimension;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Automatic rules as the cluster carries them, and how two nodes' rules for one attack become one. */
class SharedRulesTest {
    private static final Condition PATH = Condition.of(Dimension.PATH, 11, "/search");
    private static final Condition UA = Condition.of(Dimension.USER_AGENT, 12, "Mozilla/5.0 | \u0001 odd");
    private static final Condition PRINT = Condition.of(Dimension.FINGERPRINT, 13, "HTTP/1.1 host,accept");
    private static final Condition QUERY = Condition.of(Dimension.QUERY, 14, "q={random}");
    private static final Condition WIDE = new Condition(Dimension.WIDE_NETWORK, new long[] {15, -16}, List.of("127.31.0.0/16", "10.0.0.0/16"));

    private static Signature sig(Condition... cs) {
        return new Signature(List.of(cs), 100, 90, 0, MitigationStep.CHALLENGE, MitigationStep.CLOSE);
    }

    @Test
    void aSignatureTravelsWhole_andOnlyToNodesSharingTheFeatureKey() {
        Signature s = sig(PRINT, UA, PATH, WIDE);
        Map<String, String> wire = SharedRules.encode(s, 42);
        Signature back = SharedRules.decode(wire, 42);
        assertThat(back.conditions()).isEqualTo(s.conditions());
        assertThat(back.conditions().get(1).texts()).containsExactly("Mozilla/5.0 | ? odd");
        assertThat(back.firstStep()).isEqualTo(MitigationStep.CHALLENGE);
        assertThat(back.highestStep()).isEqualTo(MitigationStep.CLOSE);
        assertThat(SharedRules.decode(wire, 43)).as("another feature key: other requests").isNull();
        Map<String, String> broken = new java.util.HashMap<>(wire);
        broken.put("cond.0", "NO_SUCH_DIMENSION|1|x");
        assertThat(SharedRules.decode(broken, 42)).isNull();
        broken.put("cond.0", "PATH|not-hex|x");
        assertThat(SharedRules.decode(broken, 42)).isNull();
        assertThat(SharedRules.decode(Map.of("key", SharedRules.keyCheck(42)), 42)).isNull();
    }

    @Test
    void twoNodesThatFindOneAttackInTheSameTick_keepTheRuleOfTheNodeWhoseNameSortsFirst() {
        List<RuleEvent> eventsA = new ArrayList<>();
        List<RuleEvent> eventsB = new ArrayList<>();
        RuleBook a = new RuleBook("campaign", 3, 3, 30, 5, MitigationStep.CLOSE, false, eventsA::add);
        RuleBook b = new RuleBook("campaign", 3, 3, 30, 5, MitigationStep.CLOSE, false, eventsB::add);
        Signature foundByA = sig(PRINT, UA, PATH, QUERY);
        Signature foundByB = sig(PATH, WIDE, UA, PRINT);
        a.deploy(foundByA, null, null);
        b.deploy(foundByB, null, null);

        assertThat(a.deployShared(foundByB, null, "gw-b", "gw-a")).as("gw-a keeps its own").isNull();
        assertThat(b.deployShared(foundByA, null, "gw-a", "gw-b")).as("gw-b takes gw-a's").isNotNull();
        assertThat(a.live()).extracting(l -> l.signature.conditions()).containsExactly(foundByA.conditions());
        assertThat(b.live()).extracting(l -> l.signature.conditions()).containsExactly(foundByA.conditions());
        assertThat(eventsB).anySatisfy(e -> assertThat(e.text()).contains("retired: node gw-a found the same attack"));

        Signature otherAttack = sig(PATH, Condition.of(Dimension.USER_AGENT, 99, "python-requests"));
        assertThat(a.deployShared(otherAttack, null, "gw-b", "gw-a")).as("a different attack is a rule of its own").isNotNull();
        assertThat(a.live()).hasSize(2);
    }
}

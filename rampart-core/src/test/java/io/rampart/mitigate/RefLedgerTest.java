package io.rampart.mitigate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.rampart.traffic.ClientAddress;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.LongAdder;
import org.junit.jupiter.api.Test;

class RefLedgerTest {
    @Test
    void aReferenceId_readsBackFromItsText_forgivingCaseAndLookalikes() {
        long ref = RefIds.next();
        String text = RefIds.format(ref);
        assertThat(RefIds.parse(text)).isEqualTo(ref);
        assertThat(RefIds.parse(text.toLowerCase())).isEqualTo(ref);
        assertThat(RefIds.parse("0000000000O1")).isEqualTo(RefIds.parse("000000000001"));
        assertThat(RefIds.parse("00000000000L")).isEqualTo(1);
        assertThatThrownBy(() -> RefIds.parse("short")).hasMessageContaining("12 characters");
        assertThatThrownBy(() -> RefIds.parse("0000000000U1")).hasMessageContaining("'U' is not a reference id character");
    }

    @Test
    void aRecordedRequest_isFoundByItsId_withTheRuleBehindIt_untilItsSlotIsReused() {
        RefLedger ledger = new RefLedger();
        Rule rule = new Rule("r7", List.of(io.rampart.mitigate.Condition.of(io.rampart.traffic.Dimension.PATH, 1, "/search")),
                io.rampart.config.MitigationStep.BLOCK, false, new LongAdder());
        long ref = RefIds.next();
        ledger.record(ref, Instant.parse("2026-11-20T19:00:00Z").toEpochMilli(), 403, "campaign", Verdict.BLOCK, Reason.RULE, rule,
                ClientAddress.parse("100.64.0.7"), "GET", "/search?q=x");
        RefLedger.Entry e = ledger.find(ref);
        assertThat(e).isNotNull();
        assertThat(e.ref()).isEqualTo(RefIds.format(ref));
        assertThat(e.status()).isEqualTo(403);
        assertThat(e.verdict()).isEqualTo("block");
        assertThat(e.reason()).isEqualTo("rule");
        assertThat(e.rule()).isEqualTo("r7");
        assertThat(e.client()).isEqualTo("100.64.0.7");
        assertThat(e.target()).isEqualTo("/search?q=x");
        assertThat(RefLedger.ours(ref)).isTrue();
        long later = ref + RefLedger.SLOTS;
        ledger.record(later, 0, 200, "campaign", Verdict.ALLOW, Reason.NONE, null, ClientAddress.parse("10.0.0.1"), "GET", "/");
        assertThat(ledger.find(ref)).as("aged out").isNull();
        assertThat(ledger.find(later)).isNotNull();
        assertThat(RefLedger.ours(ref ^ (1L << 50))).as("another node's tag").isFalse();
    }

    @Test
    void aLongTarget_isKeptCutWithAMark_andNeverSpillsIntoTheNextSlot() {
        RefLedger ledger = new RefLedger();
        long ref = RefIds.next();
        String longTarget = "/search?q=" + "a".repeat(200);
        ledger.record(ref, 0, 429, "campaign", Verdict.LIMIT, Reason.NONE, null, ClientAddress.parse("10.0.0.1"), "GET", longTarget);
        ledger.record(ref + 1, 0, 200, "campaign", Verdict.ALLOW, Reason.NONE, null, ClientAddress.parse("10.0.0.2"), "GET", "/b");
        assertThat(ledger.find(ref).target()).isEqualTo(longTarget.substring(0, RefLedger.TARGET_BYTES) + "…");
        assertThat(ledger.find(ref + 1).target()).isEqualTo("/b");
        ledger.record(ref + 2, 0, 200, "campaign", Verdict.ALLOW, Reason.NONE, null, ClientAddress.parse("10.0.0.3"), "GET", null);
        assertThat(ledger.find(ref + 2).target()).isNull();
        String exact = "/" + "x".repeat(RefLedger.TARGET_BYTES - 1);
        ledger.record(ref + 3, 0, 200, "campaign", Verdict.ALLOW, Reason.NONE, null, ClientAddress.parse("10.0.0.3"), "GET", exact);
        assertThat(ledger.find(ref + 3).target()).as("exactly the slot's size is not cut").isEqualTo(exact);
    }
}

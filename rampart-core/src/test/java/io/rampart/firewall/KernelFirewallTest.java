package io.rampart.firewall;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.rampart.config.FirewallConfig;
import io.rampart.testing.Netns;
import io.rampart.traffic.ClientAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The firewall's loop against a real kernel: an nftables table in a network namespace of the
 * test's own, driven one cycle at a time with a clock the test moves (the kernel's own timeouts run
 * on real time).
 */
class KernelFirewallTest {
    private Netns ns;
    private NftablesBackend backend;
    private final AtomicLong now = new AtomicLong(1_000_000_000L);
    private final List<Judgement> judged = new CopyOnWriteArrayList<>();
    private final List<DropEntry> never = new CopyOnWriteArrayList<>();
    private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
    private final List<String> timeline = new CopyOnWriteArrayList<>();
    private final AtomicLong plans = new AtomicLong();

    private final DropSources sources = new DropSources() {
        @Override
        public List<Judgement> judgements(long nowMillis) {
            plans.incrementAndGet();
            return new ArrayList<>(judged);
        }

        @Override
        public List<DropEntry> neverDrop() {
            return new ArrayList<>(never);
        }

        @Override
        public long version() {
            return judged.hashCode() * 31L + never.hashCode();
        }

        @Override
        public List<Integer> ports() {
            return List.of(8000, 8443);
        }
    };

    @BeforeEach
    void namespace() throws Exception {
        String why = Netns.whyNot();
        assumeTrue(why == null, "cannot run: " + why);
        ns = Netns.pair("kf");
        backend = nftIn(ns);
    }

    @AfterEach
    void removeNamespace() {
        if (backend != null) {
            backend.close();
        }
        if (ns != null) {
            ns.close();
        }
    }

    private static NftablesBackend nftIn(Netns ns) {
        return new NftablesBackend(new NftProcess(ns.inGateway("nft")), null);
    }

    private KernelFirewall firewall(int maxEntries) {
        FirewallConfig c = new FirewallConfig(true, null, "rampart", null, null, maxEntries, null, null, null,
                Duration.ofMinutes(10), null, null, null);
        KernelFirewall fw = new KernelFirewall(c, backend, null, sources, now::get, registry);
        fw.timeline(timeline::add);
        return fw;
    }

    private Map<DropEntry, Long> kernel() throws FirewallException {
        return backend.elements(new DropBackend.Layout("rampart", "prerouting", List.of(), List.of(), List.of(), 0, 0, 0));
    }

    private static Judgement judgement(String entry, long until, Judgement.Kind kind) {
        return new Judgement(DropEntry.parse(entry), until, kind.id(), kind);
    }

    @Test
    void eachElementCarriesItsDecisionsRemainingTime() throws Exception {
        KernelFirewall fw = firewall(1000);
        judged.add(judgement("192.0.2.7", now.get() + 30_000, Judgement.Kind.OFFENDER));
        judged.add(judgement("198.51.100.0/24", now.get() + 90_000, Judgement.Kind.RULE));
        judged.add(judgement("2001:db8::/48", Judgement.FOREVER, Judgement.Kind.DENY_LIST));
        fw.cycle();
        Map<DropEntry, Long> k = kernel();
        assertThat(k).containsOnlyKeys(DropEntry.parse("192.0.2.7"), DropEntry.parse("198.51.100.0/24"), DropEntry.parse("2001:db8::/48"));
        assertThat(k.get(DropEntry.parse("192.0.2.7"))).isBetween(25L, 30L);
        assertThat(k.get(DropEntry.parse("198.51.100.0/24"))).isBetween(85L, 90L);
        assertThat(k.get(DropEntry.parse("2001:db8::/48"))).isBetween(445L, 600L); // 3/4 to all of permanentTimeout, renewed while it lasts
        assertThat(fw.up()).isTrue();
        assertThat(fw.listing()).extracting(KernelFirewall.Listed::set).containsExactlyInAnyOrder("addr4", "net4", "net6");
    }

    @Test
    void whileNothingChangesACycleNeitherPlansNorWrites() throws Exception {
        KernelFirewall fw = firewall(1000);
        for (int i = 0; i < 1000; i++) {
            judged.add(judgement("10.1." + (i / 256) + "." + (i % 256), Judgement.FOREVER, Judgement.Kind.DENY_LIST));
        }
        fw.cycle();
        long planned = plans.get();
        long pushes = registry.get("rampart.firewall.push").timer().count();
        for (int i = 0; i < 40; i++) { // four seconds of cycles
            now.addAndGet(KernelFirewall.CYCLE_MILLIS);
            fw.cycle();
        }
        assertThat(plans.get()).isEqualTo(planned);
        assertThat(registry.get("rampart.firewall.push").timer().count()).isEqualTo(pushes);
        judged.add(judgement("192.0.2.1", now.get() + 60_000, Judgement.Kind.OFFENDER));
        now.addAndGet(KernelFirewall.CYCLE_MILLIS);
        fw.cycle();
        assertThat(plans.get()).as("a change is planned at once when the last plan is old enough").isEqualTo(planned + 1);
        assertThat(kernel()).containsKey(DropEntry.parse("192.0.2.1"));
    }

    @Test
    void aWithdrawnDecisionLeavesTheKernelAtTheNextCycle() throws Exception {
        KernelFirewall fw = firewall(1000);
        Judgement deny = judgement("203.0.113.0/24", Judgement.FOREVER, Judgement.Kind.DENY_LIST);
        judged.add(deny);
        judged.add(judgement("203.0.114.9", now.get() + 60_000, Judgement.Kind.OFFENDER));
        fw.cycle();
        assertThat(kernel()).hasSize(2);
        judged.remove(deny);
        now.addAndGet(KernelFirewall.REPLAN_MILLIS);
        fw.cycle();
        assertThat(kernel()).containsOnlyKeys(DropEntry.parse("203.0.114.9"));
        assertThat(timeline).anyMatch(l -> l.contains("taken out of the kernel"));
    }

    @Test
    void anEntryWithoutAnEndIsRenewedBeforeItsKernelTimeoutRunsOut() throws Exception {
        KernelFirewall fw = firewall(1000);
        judged.add(judgement("192.0.2.0/24", Judgement.FOREVER, Judgement.Kind.DENY_LIST));
        fw.cycle();
        backend.apply(List.of(new DropBackend.Element(DropEntry.parse("192.0.2.0/24"), 100)), List.of()); // as if time had passed
        assertThat(kernel().get(DropEntry.parse("192.0.2.0/24"))).isLessThanOrEqualTo(100L);
        now.addAndGet(Duration.ofMinutes(6).toMillis()); // past half of the ten minutes
        fw.cycle();
        assertThat(kernel().get(DropEntry.parse("192.0.2.0/24"))).isGreaterThan(440L);
    }

    @Test
    void aStartReadsBackTheTableAndRemovesStrays() throws Exception {
        judged.add(judgement("192.0.2.7", now.get() + 60_000, Judgement.Kind.OFFENDER));
        firewall(1000).cycle();
        backend.apply(List.of(new DropBackend.Element(DropEntry.parse("192.0.2.99"), 3600)), List.of()); // a stray
        NftablesBackend second = nftIn(ns);
        KernelFirewall restarted = new KernelFirewall(firewall(1000).config(), second, null, sources, now::get, new SimpleMeterRegistry());
        restarted.cycle();
        assertThat(second.elements(new DropBackend.Layout("rampart", "prerouting", List.of(), List.of(), List.of(), 0, 0, 0)))
                .containsOnlyKeys(DropEntry.parse("192.0.2.7"));
        second.close();
    }

    @Test
    void aTableRemovedBySomeoneElseIsMadeAnew() throws Exception {
        KernelFirewall fw = firewall(1000);
        judged.add(judgement("192.0.2.7", now.get() + 60_000, Judgement.Kind.OFFENDER));
        fw.cycle();
        Netns.output(ns.inGateway("nft", "delete", "table", "inet", "rampart"));
        now.addAndGet(KernelFirewall.CHECK_MILLIS + 1);
        fw.cycle(); // finds it gone
        assertThat(fw.up()).isFalse();
        assertThat(fw.lastError()).contains("changed or removed by someone else");
        now.addAndGet(KernelFirewall.CYCLE_MILLIS);
        fw.cycle(); // makes it anew
        assertThat(kernel()).containsOnlyKeys(DropEntry.parse("192.0.2.7"));
        assertThat(fw.up()).isTrue();
        assertThat(registry.get("rampart.firewall.errors").functionCounter().count()).isGreaterThanOrEqualTo(1);
    }

    @Test
    void aRefusedTransactionRebuildsTheTableFromThePlan() throws Exception {
        KernelFirewall fw = firewall(1000);
        judged.add(judgement("10.9.0.0/24", now.get() + 60_000, Judgement.Kind.RULE));
        fw.cycle();
        // someone else slips an element the firewall does not know into its interval set
        Netns.output(ns.inGateway("nft", "add", "element", "inet", "rampart", "net4", "{ 10.8.5.0/24 timeout 1h }"));
        judged.add(judgement("10.8.0.0/16", now.get() + 60_000, Judgement.Kind.RULE)); // overlaps it: the kernel refuses
        now.addAndGet(KernelFirewall.REPLAN_MILLIS);
        fw.cycle();
        assertThat(fw.up()).isFalse();
        now.addAndGet(2_100);
        fw.cycle();
        assertThat(kernel()).containsOnlyKeys(DropEntry.parse("10.9.0.0/24"), DropEntry.parse("10.8.0.0/16"));
        assertThat(fw.up()).isTrue();
    }

    @Test
    void allowedAndAdminAddressesNeverLandInADropSet() throws Exception {
        KernelFirewall fw = firewall(1000);
        never.add(DropEntry.parse("192.0.2.0/24"));
        fw.protect(ClientAddress.parse("198.51.100.77"));
        judged.add(judgement("192.0.2.7", Judgement.FOREVER, Judgement.Kind.DENY_LIST));
        judged.add(judgement("198.51.100.77", now.get() + 60_000, Judgement.Kind.OFFENDER));
        judged.add(judgement("198.51.100.0/24", now.get() + 60_000, Judgement.Kind.RULE));
        fw.cycle();
        assertThat(kernel()).containsOnlyKeys(DropEntry.parse("198.51.100.0/24"));
        String allow = Netns.output(ns.inGateway("nft", "list", "set", "inet", "rampart", "allow4"));
        assertThat(allow).contains("192.0.2.0/24", "198.51.100.77");
    }

    @Test
    void aFullSetKeepsTheOperatorsEntriesAndSaysHowManyWereLeftOut() throws Exception {
        KernelFirewall fw = firewall(16);
        judged.add(judgement("192.0.2.0/24", Judgement.FOREVER, Judgement.Kind.DENY_LIST));
        for (int i = 0; i < 40; i++) {
            judged.add(judgement("10." + i + ".0.1", now.get() + 60_000, Judgement.Kind.OFFENDER));
        }
        fw.cycle();
        assertThat(kernel()).hasSize(16).containsKey(DropEntry.parse("192.0.2.0/24"));
        assertThat(fw.judgedLeftOut()).isEqualTo(25);
        assertThat(registry.get("rampart.firewall.left.out").gauge().value()).isEqualTo(25);
    }

    @Test
    void withoutAKernelBackendItSaysWhyAndStaysDown() {
        FirewallConfig c = FirewallConfig.DEFAULT;
        KernelFirewall fw = new KernelFirewall(c, null, "neither libnftables nor the nft program is installed", sources, now::get,
                new SimpleMeterRegistry());
        fw.start();
        assertThat(fw.up()).isFalse();
        assertThat(fw.lastError()).contains("nft program");
        assertThat(fw.describe()).isEqualTo("unavailable");
        fw.close();
    }
}

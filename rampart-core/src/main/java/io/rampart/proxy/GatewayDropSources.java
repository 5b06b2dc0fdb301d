package io.rampart.proxy;

import io.rampart.detect.ControlPlane;
import io.rampart.firewall.DropEntry;
import io.rampart.firewall.DropSources;
import io.rampart.firewall.Judgement;
import io.rampart.firewall.Offenders;
import io.rampart.mitigate.AccessLists;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Supplier;

/**
 * What the gateway has judged, for the kernel firewall: the deny list (no end), the sources of
 * rules at {@code block} or {@code close} that match on their source alone (until their time to
 * live, or an operator's end), and repeat offenders; and what it must never drop: the allow list,
 * trusted proxies and loopback.
 */
final class GatewayDropSources implements DropSources {
    private static final List<DropEntry> LOOPBACK = List.of(DropEntry.parse("127.0.0.0/8"), DropEntry.parse("::1"));
    private final AccessLists lists;
    private final ControlPlane control;
    private final Offenders offenders;
    private final Supplier<List<String>> trustedProxies;
    private final Supplier<List<Integer>> ports;
    private final boolean automaticRules;
    /** The deny list's judgements, parsed once per version of the lists (100,000 entries take 60 ms to parse). */
    private int denyVersion = -1;
    private List<Judgement> denyJudgements = List.of();
    private List<DropEntry> allowEntries = List.of();

    GatewayDropSources(AccessLists lists, ControlPlane control, Offenders offenders, Supplier<List<String>> trustedProxies,
                       Supplier<List<Integer>> ports, boolean automaticRules) {
        this.automaticRules = automaticRules;
        this.lists = lists;
        this.control = control;
        this.offenders = offenders;
        this.trustedProxies = trustedProxies;
        this.ports = ports;
    }

    @Override
    public List<Judgement> judgements(long nowMillis) {
        parseLists();
        List<Judgement> out = new ArrayList<>(denyJudgements);
        if (control != null) {
            for (ControlPlane.SourceRule r : control.sourceRules()) {
                if (!r.byOperator() && !automaticRules) {
                    continue;
                }
                long until = r.millisLeft() < 0 ? Judgement.FOREVER : nowMillis + r.millisLeft();
                if (until <= nowMillis) {
                    continue;
                }
                for (String s : r.sources()) {
                    add(out, s, until, "rule " + r.id() + " (" + r.step() + ", site " + r.site() + ")", Judgement.Kind.RULE);
                }
            }
        }
        out.addAll(offenders.active());
        return out;
    }

    private static void add(List<Judgement> out, String text, long until, String reason, Judgement.Kind kind) {
        try {
            out.add(new Judgement(DropEntry.parse(text), until, reason, kind));
        } catch (IllegalArgumentException e) {
            // a rule's text that is not an address (cannot happen for source dimensions); nothing to drop
        }
    }

    private synchronized void parseLists() {
        int v = lists.version();
        if (v == denyVersion) {
            return;
        }
        List<Judgement> deny = new ArrayList<>();
        for (String d : lists.denyEntries()) {
            add(deny, d, Judgement.FOREVER, "deny list", Judgement.Kind.DENY_LIST);
        }
        List<DropEntry> allow = new ArrayList<>();
        for (String a : lists.allowEntries()) {
            allow.add(DropEntry.parse(a));
        }
        denyJudgements = List.copyOf(deny);
        allowEntries = List.copyOf(allow);
        denyVersion = v;
    }

    @Override
    public long version() {
        long h = lists.version() * 1_000_003L + offenders.version();
        if (control != null) {
            long now = System.currentTimeMillis();
            for (ControlPlane.SourceRule r : control.sourceRules()) {
                // a rule's end, to 5 s: it moves when hits extend the rule, and the kernel's timeout should follow
                long end = r.millisLeft() < 0 ? -1 : (now + r.millisLeft()) / 5_000;
                h = h * 31 + r.id().hashCode() * 17L + r.step().hashCode() + r.sources().hashCode() + end;
            }
        }
        return h * 31 + trustedProxies.get().hashCode();
    }

    @Override
    public List<DropEntry> neverDrop() {
        parseLists();
        List<DropEntry> out = new ArrayList<>(LOOPBACK);
        out.addAll(allowEntries);
        for (String t : trustedProxies.get()) {
            out.add(DropEntry.parse(t));
        }
        return out;
    }

    @Override
    public List<Integer> ports() {
        return ports.get();
    }
}

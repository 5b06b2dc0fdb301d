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

    GatewayDropSources(AccessLists lists, ControlPlane control, Offenders offenders, Supplier<List<String>> trustedProxies,
                       Supplier<List<Integer>> ports) {
        this.lists = lists;
        this.control = control;
        this.offenders = offenders;
        this.trustedProxies = trustedProxies;
        this.ports = ports;
    }

    @Override
    public List<Judgement> judgements(long nowMillis) {
        List<Judgement> out = new ArrayList<>();
        for (String d : lists.denyEntries()) {
            add(out, d, Judgement.FOREVER, "deny list", Judgement.Kind.DENY_LIST);
        }
        if (control != null) {
            for (ControlPlane.SourceRule r : control.sourceRules()) {
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

    @Override
    public List<DropEntry> neverDrop() {
        List<DropEntry> out = new ArrayList<>(LOOPBACK);
        for (String a : lists.allowEntries()) {
            out.add(DropEntry.parse(a));
        }
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

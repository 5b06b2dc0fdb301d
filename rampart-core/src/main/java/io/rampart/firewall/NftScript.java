package io.rampart.firewall;

import io.rampart.config.FirewallConfig;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.function.Function;

/**
 * The nftables text of Rampart's table and of each batch of element changes. Every rule carries
 * the comment {@value #MARK} so that {@link NftablesBackend#intact} can tell the table is still as
 * made.
 *
 * <p>The table: a set of the listener ports; allow sets checked first; for each family a hash set
 * of addresses and an interval set of prefixes, both with per-element timeouts, each with a named
 * counter; optionally a SYN meter per /24 (/48) and a connection count per address. Only TCP to
 * the listener ports is ever dropped: an operator's SSH from a denied network still gets in.
 */
final class NftScript {
    static final String MARK = "rampart";
    /** The drop sets, in rule order. */
    static final List<String> DROP_SETS = List.of("addr4", "net4", "addr6", "net6");
    private static final int CHUNK = 4096;

    private NftScript() {
    }

    /** {@code inet} for the prerouting hook, {@code netdev} for ingress. */
    static String family(DropBackend.Layout l) {
        return FirewallConfig.INGRESS.equals(l.hook()) ? "netdev" : "inet";
    }

    /** The chains {@link #install} makes, each with its count of marked rules. */
    static List<String> chains(DropBackend.Layout l) {
        List<String> out = new ArrayList<>();
        if (FirewallConfig.INGRESS.equals(l.hook())) {
            for (int i = 0; i < l.interfaces().size(); i++) {
                out.add("guard_" + i);
            }
        } else {
            out.add("guard");
        }
        if (l.connectionsPerSource() > 0 && !FirewallConfig.INGRESS.equals(l.hook())) {
            out.add("conns");
        }
        return out;
    }

    /** The marked rules {@code chain} holds when intact. */
    static int rulesIn(DropBackend.Layout l, String chain) {
        return "conns".equals(chain) ? conns(l).size() : guard(l).size();
    }

    /** The table anew (whatever was there is replaced in the same transaction) and its elements. */
    static String install(DropBackend.Layout l, Collection<DropBackend.Element> elements) {
        String f = family(l);
        String t = l.table();
        StringBuilder sb = new StringBuilder();
        sb.append("add table ").append(f).append(' ').append(t).append('\n');
        sb.append("delete table ").append(f).append(' ').append(t).append('\n');
        sb.append("table ").append(f).append(' ').append(t).append(" {\n");
        sb.append("  set ports { type inet_service;");
        if (!l.ports().isEmpty()) {
            sb.append(" elements = { ");
            join(sb, l.ports(), String::valueOf);
            sb.append(" };");
        }
        sb.append(" }\n");
        for (boolean v6 : new boolean[] {false, true}) {
            String type = v6 ? "ipv6_addr" : "ipv4_addr";
            String n = v6 ? "6" : "4";
            List<DropEntry> allow = new ArrayList<>();
            for (DropEntry a : l.allow()) {
                if (a.ipv6() == v6) {
                    allow.add(a);
                }
            }
            sb.append("  set allow").append(n).append(" { type ").append(type).append("; flags interval; auto-merge;");
            if (!allow.isEmpty()) {
                sb.append(" elements = { ");
                join(sb, allow, DropEntry::toString);
                sb.append(" };");
            }
            sb.append(" }\n");
            sb.append("  set addr").append(n).append(" { type ").append(type).append("; flags timeout; }\n");
            sb.append("  set net").append(n).append(" { type ").append(type).append("; flags interval,timeout; }\n");
            if (l.synRatePerNetwork() > 0) {
                sb.append("  set syn").append(n).append(" { type ").append(type)
                        .append("; size 65535; flags dynamic,timeout; timeout 10s; }\n");
            }
            if (l.connectionsPerSource() > 0 && !"netdev".equals(f)) {
                sb.append("  set conn").append(n).append(" { type ").append(type).append("; size 65535; flags dynamic; }\n");
            }
        }
        for (String c : counterNames(l)) {
            sb.append("  counter c_").append(c).append(" { }\n");
        }
        List<String> guard = guard(l);
        if ("netdev".equals(f)) {
            for (int i = 0; i < l.interfaces().size(); i++) {
                chain(sb, "guard_" + i, "type filter hook ingress device \"" + l.interfaces().get(i) + "\" priority -500; policy accept;", guard);
            }
        } else {
            chain(sb, "guard", "type filter hook prerouting priority raw; policy accept;", guard);
            if (l.connectionsPerSource() > 0) {
                chain(sb, "conns", "type filter hook prerouting priority mangle; policy accept;", conns(l));
            }
        }
        sb.append("}\n");
        puts(sb, l, elements);
        return sb.toString();
    }

    /** One transaction: removals first (so a wider prefix never meets the narrower one it replaces), then writes. */
    static String changes(DropBackend.Layout l, Collection<DropBackend.Element> put, Collection<DropEntry> remove) {
        StringBuilder sb = new StringBuilder();
        List<DropBackend.Element> gone = new ArrayList<>();
        for (DropEntry e : remove) {
            gone.add(new DropBackend.Element(e, 1));
        }
        // "add then delete": the delete cannot fail on an element that already timed out in the kernel
        puts(sb, l, gone);
        deletes(sb, l, remove);
        // "add, delete, add": a fresh timeout whether or not the element was there
        puts(sb, l, put);
        List<DropEntry> renewed = new ArrayList<>();
        for (DropBackend.Element e : put) {
            renewed.add(e.entry());
        }
        deletes(sb, l, renewed);
        puts(sb, l, put);
        return sb.toString();
    }

    static String setOf(DropEntry e) {
        return (e.isAddress() ? "addr" : "net") + (e.ipv6() ? "6" : "4");
    }

    static List<String> counterNames(DropBackend.Layout l) {
        List<String> out = new ArrayList<>(DROP_SETS);
        if (l.synRatePerNetwork() > 0) {
            out.add("syn");
        }
        if (l.connectionsPerSource() > 0 && !FirewallConfig.INGRESS.equals(l.hook())) {
            out.add("conn");
        }
        return out;
    }

    /** What every chain lets through first: all but TCP to the listener ports, and the allow sets. */
    private static List<String> passes() {
        List<String> r = new ArrayList<>();
        r.add("meta l4proto != tcp accept");
        r.add("tcp dport != @ports accept");
        r.add("ip saddr @allow4 accept");
        r.add("ip6 saddr @allow6 accept");
        return r;
    }

    private static List<String> guard(DropBackend.Layout l) {
        List<String> r = passes();
        r.add("ip saddr @addr4 counter name c_addr4 drop");
        r.add("ip saddr @net4 counter name c_net4 drop");
        r.add("ip6 saddr @addr6 counter name c_addr6 drop");
        r.add("ip6 saddr @net6 counter name c_net6 drop");
        int rate = l.synRatePerNetwork();
        if (rate > 0) {
            String limit = " limit rate over " + rate + "/second burst " + (2 * rate) + " packets } counter name c_syn drop";
            r.add("tcp flags & (syn | ack) == syn add @syn4 { ip saddr & 255.255.255.0" + limit);
            r.add("tcp flags & (syn | ack) == syn add @syn6 { ip6 saddr & ffff:ffff:ffff::" + limit);
        }
        return r;
    }

    private static List<String> conns(DropBackend.Layout l) {
        List<String> r = passes();
        r.add("ct state new add @conn4 { ip saddr ct count over " + l.connectionsPerSource() + " } counter name c_conn drop");
        r.add("ct state new add @conn6 { ip6 saddr ct count over " + l.connectionsPerSource() + " } counter name c_conn drop");
        return r;
    }

    private static void chain(StringBuilder sb, String name, String head, List<String> rules) {
        sb.append("  chain ").append(name).append(" {\n    ").append(head).append('\n');
        for (String r : rules) {
            sb.append("    ").append(r).append(" comment \"").append(MARK).append("\"\n");
        }
        sb.append("  }\n");
    }

    private static void puts(StringBuilder sb, DropBackend.Layout l, Collection<DropBackend.Element> elements) {
        for (String set : DROP_SETS) {
            List<String> items = new ArrayList<>();
            for (DropBackend.Element e : elements) {
                if (setOf(e.entry()).equals(set)) {
                    items.add(e.entry() + " timeout " + Math.max(1, e.timeoutSeconds()) + "s");
                }
            }
            lines(sb, "add", l, set, items);
        }
    }

    private static void deletes(StringBuilder sb, DropBackend.Layout l, Collection<DropEntry> entries) {
        for (String set : DROP_SETS) {
            List<String> items = new ArrayList<>();
            for (DropEntry e : entries) {
                if (setOf(e).equals(set)) {
                    items.add(e.toString());
                }
            }
            lines(sb, "delete", l, set, items);
        }
    }

    private static void lines(StringBuilder sb, String verb, DropBackend.Layout l, String set, List<String> items) {
        for (int i = 0; i < items.size(); i += CHUNK) {
            sb.append(verb).append(" element ").append(family(l)).append(' ').append(l.table()).append(' ').append(set).append(" { ");
            join(sb, items.subList(i, Math.min(items.size(), i + CHUNK)), Function.identity());
            sb.append(" }\n");
        }
    }

    private static <T> void join(StringBuilder sb, Collection<T> items, Function<T, String> text) {
        boolean first = true;
        for (T t : items) {
            sb.append(first ? "" : ", ").append(text.apply(t));
            first = false;
        }
    }
}

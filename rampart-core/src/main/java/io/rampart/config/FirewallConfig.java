package io.rampart.config;

import java.time.Duration;
import java.util.List;

/**
 * Kernel push-down ({@code firewall:}): sources Rampart has judged are dropped by the kernel's
 * nftables before they reach a socket. Off by default; needs {@code CAP_NET_ADMIN}.
 *
 * @param enabled          push judged sources down to the kernel
 * @param backend          {@code nftables} (the only one today; the seam is {@code io.rampart.firewall.DropBackend})
 * @param table            the nftables table Rampart owns (family {@code inet}, or {@code netdev} for the ingress hook);
 *                         it never touches another table
 * @param hook             {@code prerouting} (an {@code inet} table at raw priority, before connection tracking) or
 *                         {@code ingress} (a {@code netdev} table on each of {@code interfaces}, earlier still)
 * @param interfaces       the interfaces of the {@code ingress} hook
 * @param maxEntries       elements in the drop sets at most; past it, addresses are folded into their /24 (IPv6 /48),
 *                         and what still does not fit is refused in user space only
 * @param closesBeforeDrop a client whose requests were closed ({@code close} rung) this many times within
 *                         {@code offenderWindow} is dropped in the kernel for {@code offenderDrop}
 * @param offenderWindow   see {@code closesBeforeDrop}
 * @param offenderDrop     how long a repeat offender stays dropped (then it is judged afresh)
 * @param permanentTimeout the kernel timeout of entries without an end (deny-list entries), renewed while they last,
 *                         so that nothing outlives a Rampart that died
 * @param automaticRules   push the sources of the control plane's own rules too, not only the operator's (the kernel
 *                         cannot tell a signed-in user on such a network from the bots there, as user space does)
 * @param synRatePerNetwork L4 guard: new TCP connections per second per source /24 (IPv6 /48) to the listener ports
 *                         above which SYNs are dropped in the kernel; 0 (the default) is off
 * @param connectionsPerSource L4 guard: concurrent connections per source address to the listener ports above which
 *                         new ones are dropped in the kernel ({@code ct count}); 0 (the default) is off
 */
public record FirewallConfig(Boolean enabled, String backend, String table, String hook, List<String> interfaces,
                             Integer maxEntries, Integer closesBeforeDrop, Duration offenderWindow, Duration offenderDrop,
                             Duration permanentTimeout, Boolean automaticRules, Integer synRatePerNetwork,
                             Integer connectionsPerSource) {
    public static final FirewallConfig DEFAULT = new FirewallConfig(null, null, null, null, null, null, null, null, null,
            null, null, null, null);
    public static final String PREROUTING = "prerouting";
    public static final String INGRESS = "ingress";

    public FirewallConfig {
        enabled = enabled != null && enabled;
        backend = backend == null ? "nftables" : backend;
        table = table == null ? "rampart" : table;
        hook = hook == null ? PREROUTING : hook;
        interfaces = interfaces == null ? List.of() : List.copyOf(interfaces);
        maxEntries = maxEntries == null ? 200_000 : maxEntries;
        closesBeforeDrop = closesBeforeDrop == null ? 5 : closesBeforeDrop;
        offenderWindow = offenderWindow == null ? Duration.ofSeconds(30) : offenderWindow;
        offenderDrop = offenderDrop == null ? Duration.ofMinutes(10) : offenderDrop;
        permanentTimeout = permanentTimeout == null ? Duration.ofMinutes(10) : permanentTimeout;
        automaticRules = automaticRules == null || automaticRules;
        synRatePerNetwork = synRatePerNetwork == null ? 0 : synRatePerNetwork;
        connectionsPerSource = connectionsPerSource == null ? 0 : connectionsPerSource;
    }
}

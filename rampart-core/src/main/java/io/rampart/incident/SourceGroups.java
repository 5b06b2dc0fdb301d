package io.rampart.incident;

import io.rampart.geo.GeoLookup;
import io.rampart.geo.SourceOrigin;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The live sources of a site grouped the way an operator reads a flood: by autonomous system and
 * by country, each group with its requests per second, the share refused, and its heaviest
 * networks to drill down into. Built on the control plane's thread every few ticks from the
 * networks of the recorder's sample (one geo lookup per network), so a view costs nothing per
 * request. Without geo databases both lists are empty.
 *
 * @param autonomousSystems the ten heaviest, heaviest first
 * @param countries         the ten heaviest, heaviest first
 */
public record SourceGroups(List<Group> autonomousSystems, List<Group> countries) {
    static final SourceGroups NONE = new SourceGroups(List.of(), List.of());
    private static final int GROUPS = 10;
    private static final int NETWORKS = 5;

    /** One group: its name, load, share refused, and its heaviest networks. */
    public record Group(String name, double requestsPerSecond, double refusedShare, List<Member> networks) {
    }

    /** One network of a group. */
    public record Member(String network, double requestsPerSecond, double refusedShare) {
    }

    static SourceGroups of(Map<String, Incidents.NetworkLoad> byNetwork, GeoLookup geo) {
        if (!geo.enabled() || byNetwork.isEmpty()) {
            return NONE;
        }
        Map<String, List<Map.Entry<String, Incidents.NetworkLoad>>> byAs = new HashMap<>();
        Map<String, List<Map.Entry<String, Incidents.NetworkLoad>>> byCountry = new HashMap<>();
        for (Map.Entry<String, Incidents.NetworkLoad> e : byNetwork.entrySet()) {
            SourceOrigin o = geo.lookup(e.getValue().sample.inetAddress());
            byAs.computeIfAbsent(o.asn() == null ? "unknown AS" : o.asLabel(), k -> new ArrayList<>()).add(e);
            byCountry.computeIfAbsent(o.country() == null ? "unknown country" : o.country(), k -> new ArrayList<>()).add(e);
        }
        return new SourceGroups(groups(byAs), groups(byCountry));
    }

    private static List<Group> groups(Map<String, List<Map.Entry<String, Incidents.NetworkLoad>>> by) {
        List<Group> out = new ArrayList<>();
        for (Map.Entry<String, List<Map.Entry<String, Incidents.NetworkLoad>>> g : by.entrySet()) {
            double total = 0;
            double refused = 0;
            List<Map.Entry<String, Incidents.NetworkLoad>> nets = new ArrayList<>(g.getValue());
            for (Map.Entry<String, Incidents.NetworkLoad> n : nets) {
                total += n.getValue().total;
                refused += n.getValue().refused;
            }
            nets.sort(Comparator.comparingDouble((Map.Entry<String, Incidents.NetworkLoad> n) -> n.getValue().total).reversed());
            List<Member> members = new ArrayList<>();
            for (Map.Entry<String, Incidents.NetworkLoad> n : nets.subList(0, Math.min(NETWORKS, nets.size()))) {
                members.add(new Member(n.getKey(), round1(n.getValue().total), share(n.getValue().refused, n.getValue().total)));
            }
            out.add(new Group(g.getKey(), round1(total), share(refused, total), members));
        }
        out.sort(Comparator.comparingDouble(Group::requestsPerSecond).reversed());
        return out.size() > GROUPS ? new ArrayList<>(out.subList(0, GROUPS)) : out;
    }

    private static double round1(double v) {
        return Math.round(v * 10) / 10.0;
    }

    private static double share(double part, double whole) {
        return whole <= 0 ? 0 : Math.round(part / whole * 1000) / 1000.0;
    }
}

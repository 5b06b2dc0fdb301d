package io.rampart.mitigate;

import io.rampart.traffic.Cidr;
import io.rampart.traffic.ClientAddress;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The operator's allow and deny lists: the configuration's entries plus entries added at run time
 * through the admin API. The data plane reads two {@link IpSet}s through volatile fields (one
 * read each per connection or request); a change compiles new sets and publishes them. Run-time
 * entries survive a config reload (and, with a data directory, a restart; see {@code ListFile}).
 */
public final class AccessLists {
    /** One run-time entry: who added it, when, why. */
    public record Entry(String cidr, String list, Instant added, String by, String note) {
    }

    private volatile List<String> configAllow;
    private volatile List<String> configDeny;
    private final Map<String, Entry> runtimeAllow = new LinkedHashMap<>();
    private final Map<String, Entry> runtimeDeny = new LinkedHashMap<>();
    private volatile IpSet allow;
    private volatile IpSet deny;
    private volatile Runnable onChange = () -> { };
    private volatile int version;
    private volatile io.rampart.cluster.Decisions decisions = io.rampart.cluster.Decisions.NONE;

    public AccessLists(List<String> configAllow, List<String> configDeny) {
        this.configAllow = List.copyOf(configAllow);
        this.configDeny = List.copyOf(configDeny);
        this.allow = IpSet.parse(configAllow);
        this.deny = IpSet.parse(configDeny);
    }

    /** Fixed lists (tests, benchmarks). */
    public static AccessLists of(IpSet allow, IpSet deny) {
        AccessLists l = new AccessLists(List.of(), List.of());
        l.allow = allow;
        l.deny = deny;
        return l;
    }

    /**
     * Replaces the configuration's entries (a reload), keeping the run-time ones. In place: the
     * connection gate and the decider of every runtime read this one object.
     */
    public synchronized void reconfigure(List<String> newAllow, List<String> newDeny) {
        List<String> a = List.copyOf(newAllow);
        List<String> d = List.copyOf(newDeny);
        IpSet.parse(a);
        IpSet.parse(d);
        configAllow = a;
        configDeny = d;
        publish();
    }

    public IpSet allow() {
        return allow;
    }

    public IpSet deny() {
        return deny;
    }

    public boolean allowed(ClientAddress a) {
        IpSet s = allow;
        return !s.isEmpty() && s.contains(a);
    }

    public boolean denied(ClientAddress a) {
        IpSet s = deny;
        return !s.isEmpty() && s.contains(a);
    }

    /**
     * Adds {@code cidr} to the {@code list} ({@code allow} or {@code deny}).
     *
     * @throws IllegalArgumentException for another list name or a malformed CIDR, naming it
     */
    public synchronized Entry add(String list, String cidr, String by, String note, Instant at) {
        Cidr parsed = Cidr.parse(cidr);
        Entry e = new Entry(parsed.toString(), list, at, by, note);
        map(list).put(e.cidr(), e);
        publish();
        decisions.publish(io.rampart.cluster.SharedDecision.Kind.LIST_ADD, "",
                Map.of("list", list, "cidr", e.cidr(), "note", note == null ? "" : note), 0, by);
        return e;
    }

    /** Removes a run-time entry; false when there is none (entries from the configuration are changed in the file). */
    public synchronized boolean remove(String list, String cidr) {
        String key;
        try {
            key = Cidr.parse(cidr).toString();
        } catch (IllegalArgumentException e) {
            key = cidr;
        }
        boolean removed = map(list).remove(key) != null;
        if (removed) {
            publish();
            decisions.publish(io.rampart.cluster.SharedDecision.Kind.LIST_REMOVE, "", Map.of("list", list, "cidr", key), 0, "");
        }
        return removed;
    }

    /** Run-time entries, allow first. */
    public synchronized List<Entry> runtimeEntries() {
        List<Entry> out = new ArrayList<>(runtimeAllow.values());
        out.addAll(runtimeDeny.values());
        return out;
    }

    /** Adds entries read back from disk at start (invalid ones were already dropped). */
    public synchronized void restore(List<Entry> entries) {
        for (Entry e : entries) {
            map(e.list()).put(e.cidr(), e);
        }
        publish();
    }

    public List<String> configAllow() {
        return configAllow;
    }

    public List<String> configDeny() {
        return configDeny;
    }

    private Map<String, Entry> map(String list) {
        if ("allow".equals(list)) {
            return runtimeAllow;
        }
        if ("deny".equals(list)) {
            return runtimeDeny;
        }
        throw new IllegalArgumentException("expected list allow or deny, got '" + list + "'");
    }

    /** Where run-time entries added or removed here go out to the other nodes of a cluster. */
    public void decisions(io.rampart.cluster.Decisions d) {
        this.decisions = d == null ? io.rampart.cluster.Decisions.NONE : d;
    }

    /** Called after every change of either list (the kernel firewall pushes a new deny at once). */
    public void onChange(Runnable r) {
        this.onChange = r == null ? () -> { } : r;
    }

    /** Changes whenever either list does. */
    public int version() {
        return version;
    }

    /** Every deny entry in force, the configuration's and the run-time ones. */
    public synchronized List<String> denyEntries() {
        List<String> d = new ArrayList<>(configDeny);
        d.addAll(runtimeDeny.keySet());
        return d;
    }

    /** Every allow entry in force, the configuration's and the run-time ones. */
    public synchronized List<String> allowEntries() {
        List<String> a = new ArrayList<>(configAllow);
        a.addAll(runtimeAllow.keySet());
        return a;
    }

    private void publish() {
        List<String> a = new ArrayList<>(configAllow);
        a.addAll(runtimeAllow.keySet());
        List<String> d = new ArrayList<>(configDeny);
        d.addAll(runtimeDeny.keySet());
        allow = IpSet.parse(a);
        deny = IpSet.parse(d);
        version++;
        onChange.run();
    }
}

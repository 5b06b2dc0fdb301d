package io.rampart.firewall;

import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The seam between the firewall's decisions and a kernel mechanism: nftables today
 * ({@link NftablesBackend}); an XDP program with BPF maps would implement the same operations
 * (a table of addresses, a table of prefixes, counters, an allow table checked first).
 * Called from the firewall's one thread only.
 */
public interface DropBackend extends AutoCloseable {

    /** One element to write: an entry and how long the kernel keeps it. */
    record Element(DropEntry entry, long timeoutSeconds) {
    }

    /** Packets and bytes one drop rule has dropped since the table was made. */
    record Count(long packets, long bytes) {
    }

    /** What this backend is, for logs and the API ({@code nftables via libnftables}). */
    String describe();

    /** Makes the table anew with these elements, in one transaction (what was there is replaced). */
    void install(Layout layout, Collection<Element> elements) throws FirewallException;

    /** Writes and removes elements in one transaction. */
    void apply(Collection<Element> put, Collection<DropEntry> remove) throws FirewallException;

    /** Each counter by name ({@code addr4}, {@code net4}, {@code addr6}, {@code net6}, {@code syn}, {@code conn}). */
    Map<String, Count> counters() throws FirewallException;

    /**
     * What a table of this layout's name holds now: each element and the seconds it has left
     * (read back at start, to find what a previous run left behind).
     *
     * @throws FirewallException when there is no such table
     */
    Map<DropEntry, Long> elements(Layout layout) throws FirewallException;

    /** Whether the table is there with the rules {@link #install} made (nobody changed it). */
    boolean intact() throws FirewallException;

    @Override
    void close();

    /**
     * The shape of the table: where it hooks, which ports it guards, what it never drops, its
     * bound and its optional L4 guards.
     */
    record Layout(String table, String hook, List<String> interfaces, List<Integer> ports, List<DropEntry> allow,
                  int maxEntries, int synRatePerNetwork, int connectionsPerSource) {
        public Layout {
            interfaces = List.copyOf(interfaces);
            ports = List.copyOf(ports);
            allow = List.copyOf(allow);
        }
    }
}

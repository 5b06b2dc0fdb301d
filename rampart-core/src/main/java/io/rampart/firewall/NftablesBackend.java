package io.rampart.firewall;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@link DropBackend} over nftables: the table's text from {@link NftScript}, run through
 * libnftables in-process when it loads, else through {@code nft -f -}; the every-second reads
 * (counters, the table's rules) straight over netlink ({@link NfNetlink}), whose cost does not grow
 * with the sets; the rare full listing (elements, at start) as nft's JSON.
 */
public final class NftablesBackend implements DropBackend {
    private final NftRunner nft;
    private final NfNetlink netlink;
    private final ObjectMapper json = new ObjectMapper();
    private Layout layout;

    /** @param netlink the reads over netlink in this process's namespace, or null to read through nft */
    NftablesBackend(NftRunner nft, NfNetlink netlink) {
        this.nft = nft;
        this.netlink = netlink;
    }

    private static NfNetlink netlinkOrNull() {
        try {
            return NfNetlink.open();
        } catch (FirewallException | RuntimeException | UnsatisfiedLinkError e) {
            return null; // reads go through nft instead (slower with large sets)
        }
    }

    /**
     * libnftables if it loads, else the {@code nft} program.
     *
     * @throws FirewallException when neither is there (the message says what to install)
     */
    public static NftablesBackend open() throws FirewallException {
        try {
            return new NftablesBackend(LibNftables.load(), netlinkOrNull());
        } catch (FirewallException e) {
            String path = NftProcess.find();
            if (path == null) {
                throw new FirewallException("neither libnftables nor the nft program is installed (Debian: apt-get install nftables)", e);
            }
            return new NftablesBackend(new NftProcess(java.util.List.of(path)), netlinkOrNull());
        }
    }

    /** Through the {@code nft} program even when libnftables loads (tests of the fallback). */
    public static NftablesBackend viaProgram() throws FirewallException {
        String path = NftProcess.find();
        if (path == null) {
            throw new FirewallException("the nft program is not installed (Debian: apt-get install nftables)");
        }
        return new NftablesBackend(new NftProcess(java.util.List.of(path)), netlinkOrNull());
    }

    @Override
    public String describe() {
        return "nftables via " + nft.describe() + (netlink != null ? ", counters over netlink" : ", counters through nft");
    }

    @Override
    public void install(Layout l, Collection<Element> elements) throws FirewallException {
        nft.run(NftScript.install(l, elements));
        layout = l;
    }

    @Override
    public void apply(Collection<Element> put, Collection<DropEntry> remove) throws FirewallException {
        if (put.isEmpty() && remove.isEmpty()) {
            return;
        }
        nft.run(NftScript.changes(required(), put, remove));
    }

    @Override
    public Map<String, Count> counters() throws FirewallException {
        Layout l = required();
        if (netlink != null) {
            Map<String, Count> out = new LinkedHashMap<>();
            for (Map.Entry<String, Count> c : netlink.counters(NftScript.family(l), l.table()).entrySet()) {
                if (c.getKey().startsWith("c_")) {
                    out.put(c.getKey().substring(2), c.getValue());
                }
            }
            if (out.isEmpty()) {
                throw new FirewallException("table " + l.table() + " has no counters: it was removed or changed");
            }
            return out;
        }
        JsonNode root = read("list counters table " + NftScript.family(l) + " " + l.table());
        Map<String, Count> out = new LinkedHashMap<>();
        for (JsonNode item : root.path("nftables")) {
            JsonNode c = item.get("counter");
            if (c != null && l.table().equals(c.path("table").asText()) && c.path("name").asText().startsWith("c_")) {
                out.put(c.path("name").asText().substring(2), new Count(c.path("packets").asLong(), c.path("bytes").asLong()));
            }
        }
        return out;
    }

    @Override
    public Map<DropEntry, Long> elements(Layout l) throws FirewallException {
        Map<DropEntry, Long> out = new HashMap<>();
        for (String set : NftScript.DROP_SETS) {
            JsonNode root = read("list set " + NftScript.family(l) + " " + l.table() + " " + set);
            for (JsonNode item : root.path("nftables")) {
                for (JsonNode e : item.path("set").path("elem")) {
                    DropEntry entry = entryOf(e.has("elem") ? e.get("elem").get("val") : e);
                    if (entry != null) {
                        out.put(entry, e.has("elem") ? e.get("elem").path("expires").asLong(0) : Long.MAX_VALUE);
                    }
                }
            }
        }
        return out;
    }

    /** {@code "192.0.2.7"} or {@code {"prefix": {"addr": "198.51.100.0", "len": 24}}}; null for anything else. */
    static DropEntry entryOf(JsonNode v) {
        try {
            if (v == null) {
                return null;
            }
            if (v.isTextual()) {
                return DropEntry.parse(v.asText());
            }
            JsonNode p = v.get("prefix");
            if (p != null) {
                return DropEntry.parse(p.path("addr").asText() + "/" + p.path("len").asInt());
            }
        } catch (IllegalArgumentException e) {
            return null;
        }
        return null;
    }

    @Override
    public boolean intact() throws FirewallException {
        Layout l = required();
        if (netlink != null) {
            try {
                for (String chain : NftScript.chains(l)) {
                    if (netlink.rules(NftScript.family(l), l.table(), chain) != NftScript.rulesIn(l, chain)) {
                        return false;
                    }
                }
                return netlink.counters(NftScript.family(l), l.table()).keySet()
                        .containsAll(NftScript.counterNames(l).stream().map(c -> "c_" + c).toList());
            } catch (FirewallException e) {
                return false; // the table or a chain is gone
            }
        }
        for (String chain : NftScript.chains(l)) {
            JsonNode root;
            try {
                root = read("list chain " + NftScript.family(l) + " " + l.table() + " " + chain);
            } catch (FirewallException e) {
                return false; // the chain or the table is gone
            }
            int marked = 0;
            int rules = 0;
            for (JsonNode item : root.path("nftables")) {
                JsonNode r = item.get("rule");
                if (r != null) {
                    rules++;
                    if (NftScript.MARK.equals(r.path("comment").asText())) {
                        marked++;
                    }
                }
            }
            if (rules != marked || marked != NftScript.rulesIn(l, chain)) {
                return false;
            }
        }
        return true;
    }

    private Layout required() throws FirewallException {
        if (layout == null) {
            throw new FirewallException("the table is not installed yet");
        }
        return layout;
    }

    private JsonNode read(String command) throws FirewallException {
        String text = nft.json(command);
        try {
            return json.readTree(text.isBlank() ? "{}" : text);
        } catch (IOException e) {
            throw new FirewallException("nftables listed something that is not JSON: " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        nft.close();
        if (netlink != null) {
            netlink.close();
        }
    }
}

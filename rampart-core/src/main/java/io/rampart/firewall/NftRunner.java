package io.rampart.firewall;

/** Runs nftables commands: in-process through libnftables, or through the {@code nft} program. */
interface NftRunner extends AutoCloseable {
    /** Runs a script (one transaction); returns nothing useful, throws nft's error text. */
    void run(String script) throws FirewallException;

    /** Runs a listing command ({@code list counters table inet rampart}) and returns its JSON. */
    String json(String command) throws FirewallException;

    /** {@code libnftables} or {@code nft}. */
    String describe();

    @Override
    void close();
}

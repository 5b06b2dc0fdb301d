package io.rampart.firewall;

import com.sun.jna.Library;
import com.sun.jna.Native;
import com.sun.jna.Pointer;

/**
 * libnftables in-process through JNA: no process per batch, the same parser and transaction as
 * the {@code nft} program. Two contexts, one for commands and one for JSON listings (a context in
 * JSON mode also reads its input as JSON first). Not thread-safe; the firewall's thread owns it.
 */
final class LibNftables implements NftRunner {
    /** The part of libnftables' C API this uses ({@code nftables/libnftables.h}). */
    public interface Api extends Library {
        Pointer nft_ctx_new(int flags);

        void nft_ctx_free(Pointer ctx);

        int nft_ctx_buffer_output(Pointer ctx);

        int nft_ctx_buffer_error(Pointer ctx);

        String nft_ctx_get_output_buffer(Pointer ctx);

        String nft_ctx_get_error_buffer(Pointer ctx);

        void nft_ctx_output_set_flags(Pointer ctx, int flags);

        int nft_run_cmd_from_buffer(Pointer ctx, String buf);
    }

    private static final int NFT_CTX_DEFAULT = 0;
    private static final int NFT_CTX_OUTPUT_JSON = 1 << 4;
    private final Api api;
    private Pointer commands;
    private Pointer listings;

    private LibNftables(Api api) {
        this.api = api;
        this.commands = context(0);
        this.listings = context(NFT_CTX_OUTPUT_JSON);
    }

    /**
     * Loads libnftables ({@code libnftables.so.1}, Debian's {@code libnftables1}).
     *
     * @throws FirewallException naming what could not be loaded
     */
    static LibNftables load() throws FirewallException {
        Throwable last = null;
        for (String name : new String[] {"nftables", "libnftables.so.1"}) {
            try {
                return new LibNftables(Native.load(name, Api.class));
            } catch (UnsatisfiedLinkError | RuntimeException e) {
                last = e;
            }
        }
        throw new FirewallException("libnftables could not be loaded (" + (last == null ? "?" : last.getMessage())
                + "); install libnftables1", last);
    }

    private Pointer context(int outputFlags) {
        Pointer ctx = api.nft_ctx_new(NFT_CTX_DEFAULT);
        if (ctx == null) {
            throw new IllegalStateException("nft_ctx_new failed");
        }
        api.nft_ctx_buffer_output(ctx);
        api.nft_ctx_buffer_error(ctx);
        api.nft_ctx_output_set_flags(ctx, outputFlags);
        return ctx;
    }

    @Override
    public synchronized void run(String script) throws FirewallException {
        call(commands, script);
    }

    @Override
    public synchronized String json(String command) throws FirewallException {
        return call(listings, command);
    }

    private String call(Pointer ctx, String text) throws FirewallException {
        if (ctx == null) {
            throw new FirewallException("libnftables is closed");
        }
        int rc = api.nft_run_cmd_from_buffer(ctx, text);
        String out = api.nft_ctx_get_output_buffer(ctx);
        String err = api.nft_ctx_get_error_buffer(ctx);
        if (rc != 0) {
            throw new FirewallException(NftProcess.firstLines(err == null || err.isBlank() ? "nftables refused the batch (rc " + rc + ")" : err));
        }
        return out == null ? "" : out;
    }

    @Override
    public String describe() {
        return "libnftables";
    }

    @Override
    public synchronized void close() {
        if (commands != null) {
            api.nft_ctx_free(commands);
            api.nft_ctx_free(listings);
            commands = null;
            listings = null;
        }
    }
}

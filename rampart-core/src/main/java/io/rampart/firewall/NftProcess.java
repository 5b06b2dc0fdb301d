package io.rampart.firewall;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The fallback when libnftables cannot be loaded: the {@code nft} program, one process per batch
 * ({@code nft -f -}, the whole batch on its standard input, one transaction) and per listing
 * ({@code nft -j ...}); never one per element.
 */
final class NftProcess implements NftRunner {
    private final List<String> nft;

    /** @param nft the command that runs nft ({@code /usr/sbin/nft}, or {@code ip netns exec NAME nft} in tests) */
    NftProcess(List<String> nft) {
        this.nft = List.copyOf(nft);
    }

    /** The {@code nft} program on the usual paths, or null. */
    static String find() {
        for (String p : new String[] {"/usr/sbin/nft", "/sbin/nft", "/usr/bin/nft", "/usr/local/sbin/nft"}) {
            if (Files.isExecutable(Path.of(p))) {
                return p;
            }
        }
        return null;
    }

    @Override
    public void run(String script) throws FirewallException {
        List<String> cmd = new ArrayList<>(nft);
        cmd.addAll(List.of("-f", "-"));
        exec(cmd, script);
    }

    @Override
    public String json(String command) throws FirewallException {
        List<String> cmd = new ArrayList<>(nft);
        cmd.add("-j");
        cmd.addAll(List.of(command.trim().split("\\s+")));
        return exec(cmd, null);
    }

    private static String exec(List<String> cmd, String input) throws FirewallException {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
            if (input != null) {
                try (OutputStream in = p.getOutputStream()) {
                    in.write(input.getBytes(StandardCharsets.UTF_8));
                }
            } else {
                p.getOutputStream().close();
            }
            byte[] out = p.getInputStream().readAllBytes();
            byte[] err = p.getErrorStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new FirewallException("nft did not finish in 30 s");
            }
            if (p.exitValue() != 0) {
                String e = new String(err, StandardCharsets.UTF_8);
                throw new FirewallException(firstLines(e.isBlank() ? "nft exited with " + p.exitValue() : e));
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new FirewallException("cannot run " + cmd.get(0) + ": " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new FirewallException("interrupted while running nft", e);
        }
    }

    /** The first few lines of nft's error (the message and the line it points at). */
    static String firstLines(String text) {
        String[] lines = text.strip().split("\n");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(3, lines.length); i++) {
            sb.append(i == 0 ? "" : " | ").append(lines[i].strip());
        }
        return sb.toString();
    }

    @Override
    public String describe() {
        return "nft -f -";
    }

    @Override
    public void close() {
        // nothing held between runs
    }
}

package io.rampart.testing;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Two network namespaces of the test's own joined by a veth pair: a gateway side
 * ({@value #GATEWAY}/16 and {@value #GATEWAY6}/64) and a client side ({@value #CLIENT}/16 and
 * fd00:203::2/64, plus as many client addresses as a test asks for). Nothing touches the host's own network or firewall; closing
 * deletes both namespaces (and the veth with them). Needs root, {@code ip} and {@code nft}:
 * {@link #whyNot()} says what is missing.
 */
public final class Netns implements AutoCloseable {
    public static final String GATEWAY = "10.203.0.1";
    public static final String CLIENT = "10.203.0.2";
    /** The gateway side's IPv6 address (fd00:203::/64, on the link, without duplicate-address detection). */
    public static final String GATEWAY6 = "fd00:203::1";
    private static final AtomicInteger SEQ = new AtomicInteger();
    private final String gw;
    private final String cl;
    private int clients;

    private Netns(String tag) throws IOException {
        String id = tag + ProcessHandle.current().pid() % 100_000 + "x" + SEQ.incrementAndGet();
        this.gw = "g" + id;
        this.cl = "c" + id;
        String vg = ("v" + gw).substring(0, Math.min(15, gw.length() + 1));
        String vc = ("v" + cl).substring(0, Math.min(15, cl.length() + 1));
        try {
            run("ip", "netns", "add", gw);
            run("ip", "netns", "add", cl);
            run("ip", "link", "add", vg, "type", "veth", "peer", "name", vc);
            run("ip", "link", "set", vg, "netns", gw);
            run("ip", "link", "set", vc, "netns", cl);
            run("ip", "-n", gw, "link", "set", "lo", "up");
            run("ip", "-n", cl, "link", "set", "lo", "up");
            run("ip", "-n", gw, "addr", "add", GATEWAY + "/16", "dev", vg);
            run("ip", "-n", cl, "addr", "add", CLIENT + "/16", "dev", vc);
            run("ip", "-n", gw, "addr", "add", GATEWAY6 + "/64", "dev", vg, "nodad");
            run("ip", "-n", cl, "addr", "add", "fd00:203::2/64", "dev", vc, "nodad");
            run("ip", "-n", gw, "link", "set", vg, "up");
            run("ip", "-n", cl, "link", "set", vc, "up");
        } catch (IOException e) {
            close();
            throw e;
        }
        this.gatewayInterface = vg;
        this.clientInterface = vc;
    }

    private final String gatewayInterface;
    private final String clientInterface;

    /** Null when namespaces can be made here, else why not (for the test's skip message). */
    public static String whyNot() {
        if (!"root".equals(System.getProperty("user.name"))) {
            return "network namespaces and nftables need root (CI runs as root); running as " + System.getProperty("user.name");
        }
        for (String tool : new String[] {"/usr/sbin/ip", "/usr/sbin/nft"}) {
            if (!Files.isExecutable(Path.of(tool)) && !Files.isExecutable(Path.of(tool.replace("/usr/sbin", "/sbin")))) {
                return tool + " is missing (bin/test installs iproute2 and nftables)";
            }
        }
        return null;
    }

    /** A new pair; {@code tag} (a few letters) shows in the namespaces' names. */
    public static Netns pair(String tag) throws IOException {
        return new Netns(tag);
    }

    public String gatewayNamespace() {
        return gw;
    }

    public String clientNamespace() {
        return cl;
    }

    /** The gateway side's end of the veth (for the ingress hook). */
    public String gatewayInterface() {
        return gatewayInterface;
    }

    /** Adds {@code n} more client addresses (10.203.1.1, 10.203.1.2, ...) and returns them. */
    public List<String> addClients(int n) throws IOException {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = ++clients;
            String a = "10.203." + (1 + k / 250) + "." + (1 + k % 250);
            run("ip", "-n", cl, "addr", "add", a + "/16", "dev", clientInterface);
            out.add(a);
        }
        return out;
    }

    /** Adds this client address (10.203.x.y, or fd00:203::x) on the clients' side. */
    public String addClient(String address) throws IOException {
        if (address.indexOf(':') >= 0) {
            run("ip", "-n", cl, "addr", "add", address + "/64", "dev", clientInterface, "nodad");
        } else {
            run("ip", "-n", cl, "addr", "add", address + "/16", "dev", clientInterface);
        }
        return address;
    }

    /** The command prefix that runs a program in the gateway's namespace. */
    public List<String> inGateway(String... cmd) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", gw));
        out.addAll(Arrays.asList(cmd));
        return out;
    }

    /** The command prefix that runs a program in the clients' namespace. */
    public List<String> inClients(String... cmd) {
        List<String> out = new ArrayList<>(List.of("ip", "netns", "exec", cl));
        out.addAll(Arrays.asList(cmd));
        return out;
    }

    /**
     * An HTTP GET from {@code from} (a client address) with curl: the status, or {@code 000} when no
     * connection was made within {@code connectMillis} (a dropped SYN) or it was closed unanswered.
     */
    public String get(String from, String url, long connectMillis) throws IOException {
        return output(inClients("curl", "-s", "-o", "/dev/null", "-w", "%{http_code}", "--interface", from,
                "--connect-timeout", String.format(java.util.Locale.ROOT, "%.2f", connectMillis / 1000.0), "-m", "10", url)).trim();
    }

    /** curl with these arguments from the clients' namespace; its standard output. */
    public String curl(String... args) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("curl", "-s", "-m", "10"));
        cmd.addAll(Arrays.asList(args));
        return output(inClients(cmd.toArray(new String[0])));
    }

    /** Runs a command; its standard output (a non-zero exit is not an error: curl's 28 is a timeout). */
    public static String output(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(false).start();
        try {
            p.getOutputStream().close();
            byte[] out = p.getInputStream().readAllBytes();
            p.getErrorStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                throw new IOException("timed out: " + cmd);
            }
            return new String(out, StandardCharsets.UTF_8);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    private static void run(String... cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
                throw new IOException(String.join(" ", cmd) + " failed: " + out.strip());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException(e);
        }
    }

    @Override
    public void close() {
        for (String ns : new String[] {gw, cl}) {
            try {
                run("ip", "netns", "del", ns);
            } catch (IOException e) {
                // not made, or already gone
            }
        }
    }
}

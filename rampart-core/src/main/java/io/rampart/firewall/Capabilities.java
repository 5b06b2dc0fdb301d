package io.rampart.firewall;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** Whether this process may change the kernel's firewall ({@code CAP_NET_ADMIN} in its effective set). */
public final class Capabilities {
    private static final int CAP_NET_ADMIN = 12;

    private Capabilities() {
    }

    /** Reads {@code CapEff} from {@code /proc/self/status}; false when it cannot be read. */
    public static boolean hasNetAdmin() {
        return hasNetAdmin(Path.of("/proc/self/status"));
    }

    static boolean hasNetAdmin(Path status) {
        try {
            for (String line : Files.readAllLines(status)) {
                if (line.startsWith("CapEff:")) {
                    long caps = Long.parseUnsignedLong(line.substring(7).trim(), 16);
                    return (caps & (1L << CAP_NET_ADMIN)) != 0;
                }
            }
        } catch (IOException | NumberFormatException e) {
            return false;
        }
        return false;
    }

    /** What to tell an operator who enabled the firewall without the capability. */
    public static String missingMessage() {
        return "firewall.enabled needs the CAP_NET_ADMIN capability to write the kernel's nftables, and this process "
                + "does not have it. Either grant it (under systemd: install /usr/share/rampart/firewall.conf as "
                + "/etc/systemd/system/rampart.service.d/firewall.conf, then systemctl daemon-reload and restart; "
                + "elsewhere: run as root, or setcap cap_net_admin+ep on the java binary), or set firewall.enabled: false "
                + "(refusals then stay in user space, as before).";
    }
}

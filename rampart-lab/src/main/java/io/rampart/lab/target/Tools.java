package io.rampart.lab.target;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Finds the peer gateways' binaries, and installs their Debian packages when missing and allowed. */
public final class Tools {
    private static final List<String> DIRS = List.of("/usr/sbin", "/usr/bin", "/sbin", "/usr/local/sbin", "/usr/local/bin");

    private Tools() {
    }

    /** The binary's path, or null. */
    public static Path find(String binary) {
        List<String> dirs = new ArrayList<>();
        String path = System.getenv("PATH");
        if (path != null) {
            dirs.addAll(List.of(path.split(":")));
        }
        dirs.addAll(DIRS);
        for (String d : dirs) {
            Path p = Path.of(d, binary);
            if (Files.isExecutable(p)) {
                return p;
            }
        }
        return null;
    }

    /**
     * The binary's path; when missing, installs {@code debianPackage} with apt-get if running as
     * root, else fails with the exact command to run.
     */
    public static Path require(String binary, String debianPackage) {
        Path p = find(binary);
        if (p != null) {
            return p;
        }
        boolean root = "root".equals(System.getProperty("user.name"));
        if (!root || find("apt-get") == null) {
            throw new IllegalStateException(binary + " is not installed; install it with: sudo apt-get install -y " + debianPackage);
        }
        System.err.println("lab: installing " + debianPackage + " (apt-get)...");
        run(List.of("apt-get", "update", "-qq"));
        run(List.of("apt-get", "install", "-y", "-qq", debianPackage));
        p = find(binary);
        if (p == null) {
            throw new IllegalStateException("apt-get did not install " + binary + "; install it with: apt-get install -y " + debianPackage);
        }
        return p;
    }

    private static void run(List<String> command) {
        try {
            ProcessBuilder b = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(ProcessBuilder.Redirect.DISCARD);
            b.environment().put("DEBIAN_FRONTEND", "noninteractive");
            Process p = b.start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                throw new IllegalStateException(String.join(" ", command) + " failed");
            }
        } catch (IOException e) {
            throw new IllegalStateException(String.join(" ", command) + " failed: " + e.getMessage(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted");
        }
    }
}

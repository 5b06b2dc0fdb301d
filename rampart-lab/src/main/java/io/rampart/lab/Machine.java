package io.rampart.lab;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;

/** The facts about this machine a benchmark result needs to be read correctly. */
final class Machine {
    private Machine() {
    }

    static Map<String, String> describe() {
        Map<String, String> m = new LinkedHashMap<>();
        int cores = Runtime.getRuntime().availableProcessors();
        String cpu = firstValue(Path.of("/proc/cpuinfo"), "model name");
        String memKb = firstValue(Path.of("/proc/meminfo"), "MemTotal");
        m.put("cores", Integer.toString(cores));
        m.put("cpu", cpu == null ? "unknown" : cpu);
        m.put("memory", memKb == null ? "unknown" : Math.round(Long.parseLong(memKb.replaceAll("[^0-9]", "")) / 1048576.0) + " GiB");
        m.put("os", System.getProperty("os.name") + " " + System.getProperty("os.version"));
        m.put("java", System.getProperty("java.version"));
        m.put("summary", cores + " cores, " + m.get("memory") + ", Java " + m.get("java")
                + "; generator, origin and gateway share the machine");
        return m;
    }

    private static String firstValue(Path file, String key) {
        try {
            for (String line : Files.readAllLines(file)) {
                if (line.startsWith(key)) {
                    return line.substring(line.indexOf(':') + 1).trim();
                }
            }
        } catch (IOException | RuntimeException e) {
            return null;
        }
        return null;
    }
}

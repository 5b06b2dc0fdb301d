package io.rampart.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.util.Properties;

/** The version and build time Maven wrote into {@code io/rampart/build.properties} ("dev" and "unknown" when run from an IDE). */
public final class BuildInfo {
    private static final Properties BUILD = load();

    private BuildInfo() {
    }

    private static Properties load() {
        Properties p = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("/io/rampart/build.properties")) {
            if (in != null) {
                p.load(in);
            }
        } catch (IOException e) {
            // an unreadable resource in our own jar: the defaults say so
        }
        return p;
    }

    public static String version() {
        String v = BUILD.getProperty("version", "");
        return v.isEmpty() || v.startsWith("${") ? "dev" : v;
    }

    public static String built() {
        String b = BUILD.getProperty("built", "");
        return b.isEmpty() || b.startsWith("${") ? "unknown" : b;
    }
}

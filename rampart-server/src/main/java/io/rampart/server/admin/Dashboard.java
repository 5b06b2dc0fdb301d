package io.rampart.server.admin;

import io.netty.handler.codec.http.HttpResponseStatus;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * The dashboard's files, read once from the classpath: the page, its script and style, and uPlot
 * from its WebJar (no build step, nothing fetched from the internet).
 */
final class Dashboard {
    private final Map<String, Reply> files = new LinkedHashMap<>();

    Dashboard() {
        String base = "/io/rampart/server/admin/ui/";
        put("/", base + "index.html", "text/html; charset=utf-8");
        put("/ui/app.js", base + "app.js", "text/javascript; charset=utf-8");
        put("/ui/app.css", base + "app.css", "text/css; charset=utf-8");
        String uplot = "/META-INF/resources/webjars/uplot/" + uplotVersion() + "/dist/";
        put("/ui/uplot.js", uplot + "uPlot.iife.min.js", "text/javascript; charset=utf-8");
        put("/ui/uplot.css", uplot + "uPlot.min.css", "text/css; charset=utf-8");
    }

    private static String uplotVersion() {
        try (InputStream in = Dashboard.class.getResourceAsStream("/META-INF/maven/org.webjars.npm/uplot/pom.properties")) {
            if (in == null) {
                throw new IllegalStateException("the uPlot WebJar is not on the classpath");
            }
            Properties p = new Properties();
            p.load(in);
            return p.getProperty("version");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void put(String path, String resource, String type) {
        try (InputStream in = Dashboard.class.getResourceAsStream(resource)) {
            if (in == null) {
                throw new IllegalStateException("missing dashboard resource " + resource);
            }
            files.put(path, new Reply(HttpResponseStatus.OK, type, in.readAllBytes(), new LinkedHashMap<>()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The file at {@code path}, or null. */
    Reply serve(String path) {
        Reply r = files.get(path);
        return r == null ? null : new Reply(r.status(), r.type(), r.body(), new LinkedHashMap<>());
    }

    /** The page shown without a valid token. */
    static String denied(String why) {
        return "<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>Rampart admin</title></head>"
                + "<body style=\"font:16px system-ui,sans-serif;max-width:40em;margin:3em auto\"><h1>Rampart admin</h1><p>"
                + io.rampart.challenge.ChallengePage.escape(why) + "</p></body></html>\n";
    }
}

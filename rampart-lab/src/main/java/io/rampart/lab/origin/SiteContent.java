package io.rampart.lab.origin;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * The bodies the test origin serves, built once: a news-site page that links four assets, the
 * assets, a search result, a log-in form, an RSS feed, a JSON API answer and a 1 MiB download.
 * Sizes are those of a small real site, so bandwidth is plausible; bytes are fixed per run.
 */
final class SiteContent {
    static final List<String> ASSETS = List.of("/static/site.css", "/static/app.js", "/static/logo.svg", "/static/photo.jpg");

    final ByteBuf page = text(page());
    final ByteBuf css = text("body{font-family:sans-serif}\n" + filler(12 * 1024));
    final ByteBuf js = text("'use strict';\n" + filler(30 * 1024));
    final ByteBuf svg = text("<svg xmlns='http://www.w3.org/2000/svg' width='64' height='64'><!--" + filler(2000) + "--></svg>");
    final ByteBuf photo = random(40 * 1024);
    final ByteBuf search = text("<!doctype html><title>Search</title><h1>Results</h1><ol>" + "<li>An article</li>".repeat(120) + "</ol>");
    final ByteBuf loginForm = text("<!doctype html><title>Log in</title><form method=post action=/login>"
            + "<label>User <input name=user></label><label>Password <input type=password name=password></label>"
            + "<button>Log in</button></form>");
    final ByteBuf account = text("<!doctype html><title>Your account</title><h1>Campaign dashboard</h1>" + filler(4000));
    final ByteBuf feed = text(feed());
    final ByteBuf api = text("{\"items\":[" + "{\"id\":1,\"title\":\"Item\",\"votes\":42},".repeat(25) + "{\"id\":0}]}");
    final ByteBuf download = random(1024 * 1024);
    final ByteBuf notFound = text("<!doctype html><title>Not found</title><p>Not found.");
    final ByteBuf busy = text("<!doctype html><title>Busy</title><p>The server is too busy. Try again shortly.");

    private static String page() {
        StringBuilder b = new StringBuilder(9000);
        b.append("<!doctype html><html lang=en><head><meta charset=utf-8><title>The Campaign</title>")
                .append("<link rel=\"stylesheet\" href=\"/static/site.css\"><script src=\"/static/app.js\" defer></script></head><body>")
                .append("<img src=\"/static/logo.svg\" alt=\"logo\"><h1>Tonight's debate</h1>")
                .append("<img src=\"/static/photo.jpg\" alt=\"the candidates\">");
        for (int i = 0; i < 30; i++) {
            b.append("<p>Paragraph ").append(i).append(". ").append("Lorem ipsum dolor sit amet, consectetur adipiscing. ".repeat(4)).append("</p>");
        }
        return b.append("<a href=\"/article/2\">Next</a></body></html>").toString();
    }

    private static String feed() {
        StringBuilder b = new StringBuilder("<?xml version=\"1.0\"?><rss version=\"2.0\"><channel><title>The Campaign</title>");
        for (int i = 0; i < 20; i++) {
            b.append("<item><title>Story ").append(i).append("</title><link>http://campaign.test/article/").append(i)
                    .append("</link><description>Short summary of story ").append(i).append(".</description></item>");
        }
        return b.append("</channel></rss>").toString();
    }

    private static String filler(int length) {
        StringBuilder b = new StringBuilder(length);
        while (b.length() < length) {
            b.append("/* padding to a realistic size */\n");
        }
        return b.substring(0, length);
    }

    private static ByteBuf text(String s) {
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(s.getBytes(StandardCharsets.UTF_8)).asReadOnly());
    }

    private static ByteBuf random(int length) {
        byte[] bytes = new byte[length];
        new Random(42).nextBytes(bytes);
        return Unpooled.unreleasableBuffer(Unpooled.wrappedBuffer(bytes).asReadOnly());
    }
}

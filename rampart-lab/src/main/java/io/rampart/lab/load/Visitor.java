package io.rampart.lab.load;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.channel.EventLoop;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A reader with a browser: opens a page, then fetches the assets the page links that it has not
 * cached yet (a browser keeps them), keeps cookies, follows redirects, thinks, opens the next page.
 * A challenge page is counted as such: this client does not solve the proof of work (a real
 * browser does, in BrowserChallengeTest).
 */
final class Visitor extends Browsing {
    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"(/static/[^\"]+)\"");
    private static final int MAX_REDIRECTS = 5;

    private final Map<String, String> cookies = new HashMap<>();
    private final Set<String> cached = new HashSet<>();

    Visitor(RunContext run, EventLoop loop, LabClient client, long start, long end, long thinkMin, long thinkMax, long seed) {
        super(run, loop, client, Requests.BROWSERS.size(), start, end, thinkMin, thinkMax, seed);
    }

    @Override
    void begin() {
        view();
    }

    private void view() {
        String page = random.nextInt(4) == 0 ? "/" : "/article/" + (1 + random.nextInt(50));
        fetch(page, true, 0, html -> assets(html == null ? List.of() : linkedAssets(html), 0));
    }

    private void assets(List<String> todo, int next) {
        if (next >= todo.size()) {
            afterThinking(this::view);
            return;
        }
        fetch(todo.get(next), false, 0, body -> {
            cached.add(todo.get(next));
            assets(todo, next + 1);
        });
    }

    /** Fetches {@code uri}, following redirects; {@code then} gets the body (null unless a good HTML/asset answer). */
    private void fetch(String uri, boolean page, int redirects, Consumer<String> then) {
        if (!active()) {
            client.close();
            return;
        }
        client.send(Requests.browser(run.host, uri, userAgent, page, cookies), (outcome, r) -> {
            if (r != null) {
                Requests.keepCookies(r.headers(), cookies);
            }
            String location = r == null ? null : r.headers().get(HttpHeaderNames.LOCATION);
            if (outcome == Outcome.OK && location != null && r.status().code() / 100 == 3 && redirects < MAX_REDIRECTS) {
                fetch(location, page, redirects + 1, then);
            } else if (outcome == Outcome.OK) {
                then.accept(page ? body(r) : "");
            } else {
                // a failed page: the reader waits and tries another page later
                afterThinking(this::view);
            }
        });
    }

    private List<String> linkedAssets(String html) {
        List<String> out = new ArrayList<>();
        Matcher m = ASSET.matcher(html);
        while (m.find()) {
            if (!cached.contains(m.group(1))) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    private static String body(FullHttpResponse r) {
        return r.content().toString(StandardCharsets.UTF_8);
    }
}

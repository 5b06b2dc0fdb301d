package io.rampart.lab.load;

import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.channel.EventLoop;
import io.rampart.lab.Kind;
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
 * A challenge page it solves as a browser does ({@link BrowserChallenge}: the page's puzzle,
 * the time a phone's JavaScript takes, the answer cookie, the same address again); the challenge
 * is tallied as solved once the page then arrives, with the time it cost. It gives up after
 * {@value #MAX_SOLVES} challenges in a row for one page (a gateway that challenges its own
 * answer) and counts the page as failed.
 */
final class Visitor extends Browsing {
    private static final Pattern ASSET = Pattern.compile("(?:src|href)=\"(/static/[^\"]+)\"");
    private static final int MAX_REDIRECTS = 5;
    private static final int MAX_SOLVES = 3;

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
        fetch(page, true, 0, 0, -1, html -> assets(html == null ? List.of() : linkedAssets(html), 0));
    }

    private void assets(List<String> todo, int next) {
        if (next >= todo.size()) {
            afterThinking(this::view);
            return;
        }
        fetch(todo.get(next), false, 0, 0, -1, body -> {
            cached.add(todo.get(next));
            assets(todo, next + 1);
        });
    }

    /**
     * Fetches {@code uri}, following redirects and solving challenges ({@code solves} so far,
     * the first of them at {@code challengedAt}, -1: none); {@code then} gets the body (null
     * unless a good HTML/asset answer).
     */
    private void fetch(String uri, boolean page, int redirects, int solves, long challengedAt, Consumer<String> then) {
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
                fetch(location, page, redirects + 1, solves, challengedAt, then);
            } else if (outcome == Outcome.OK) {
                if (challengedAt >= 0) {
                    run.tally.challengeSolved(Kind.VISITOR, client.id(), run.clock.secondOf(challengedAt), run.clock.nanos() - challengedAt);
                }
                then.accept(page ? body(r) : "");
            } else if (outcome == Outcome.CHALLENGED && r != null && solves < MAX_SOLVES && BrowserChallenge.in(body(r)) != null) {
                BrowserChallenge puzzle = BrowserChallenge.in(body(r));
                String answer = puzzle.answer();
                long since = challengedAt >= 0 ? challengedAt : run.clock.nanos();
                later(puzzle.browserSolveNanos(), () -> {
                    cookies.put(puzzle.cookie, answer);
                    fetch(uri, page, redirects, solves + 1, since, then);
                });
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

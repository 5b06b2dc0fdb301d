package io.rampart.lab.load;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpHeaderNames;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * A logged-in member of staff working through the campaign's app: logs in (a form post that sets
 * a session cookie and redirects), then opens app pages, searches and calls the JSON API, with
 * think time between steps; logs in again if the session is lost. The office persona is the same
 * behaviour with many staff behind one address (NAT).
 */
final class Staff extends Browsing {
    private static final List<String> WORK = List.of("/account", "/app/dashboard", "/app/volunteers", "/search?q=", "/api/v1/items");

    private final String user;
    private final Map<String, String> cookies = new HashMap<>();

    Staff(RunContext run, EventLoop loop, LabClient client, String user, long start, long end, long thinkMin, long thinkMax, long seed) {
        super(run, loop, client, 3, start, end, thinkMin, thinkMax, seed);
        this.user = user;
    }

    @Override
    void begin() {
        logIn();
    }

    private void logIn() {
        client.send(Requests.form(run.host, "/login", userAgent, "user=" + user + "&password=correct-horse", cookies), (outcome, r) -> {
            if (r != null) {
                Requests.keepCookies(r.headers(), cookies);
            }
            afterThinking(cookies.containsKey("sid") ? this::work : this::logIn);
        });
    }

    private void work() {
        if (!active()) {
            client.close();
            return;
        }
        String step = WORK.get(random.nextInt(WORK.size()));
        if (step.endsWith("q=")) {
            step += "volunteer+" + random.nextInt(100);
        }
        client.send(Requests.browser(run.host, step, userAgent, true, cookies), (outcome, r) -> {
            boolean loggedOut = r != null && r.status().code() == 302 && "/login".equals(r.headers().get(HttpHeaderNames.LOCATION));
            if (loggedOut) {
                cookies.clear();
            }
            afterThinking(loggedOut ? this::logIn : this::work);
        });
    }
}

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
 * behaviour with many staff behind one address (NAT). A challenge its browser solves, as the
 * visitor's does ({@link BrowserChallenge}), then it sends the step again (a form included, as a
 * person does when the page says it was not sent).
 */
final class Staff extends Browsing {
    private static final List<String> WORK = List.of("/account", "/app/dashboard", "/app/volunteers", "/search?q=", "/api/v1/items");

    private final String user;
    private final Map<String, String> cookies = new HashMap<>();
    private long challengedAt = -1;
    private int solves;

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
            if (solved(outcome, r, this::logIn)) {
                return;
            }
            settle();
            afterThinking(cookies.containsKey("sid") ? this::work : this::logIn);
        });
    }

    /** When the challenge came: solved, and {@code again} is sent with the answer after a phone's solving time. */
    private boolean solved(Outcome outcome, io.netty.handler.codec.http.FullHttpResponse r, Runnable again) {
        BrowserChallenge puzzle = outcome == Outcome.CHALLENGED && r != null && solves < 3
                ? BrowserChallenge.in(r.content().toString(java.nio.charset.StandardCharsets.UTF_8)) : null;
        if (puzzle == null) {
            return false;
        }
        if (challengedAt < 0) {
            challengedAt = run.clock.nanos();
        }
        solves++;
        String answer = puzzle.answer();
        later(puzzle.browserSolveNanos(), () -> {
            cookies.put(puzzle.cookie, answer);
            again.run();
        });
        return true;
    }

    /** A step ended without a challenge: one that followed a solved challenge counts it solved. */
    private void settle() {
        if (challengedAt >= 0) {
            run.tally.challengeSolved(client.kind(), client.id(), run.clock.secondOf(challengedAt), run.clock.nanos() - challengedAt);
        }
        challengedAt = -1;
        solves = 0;
    }

    private void work() {
        String step = WORK.get(random.nextInt(WORK.size()));
        step(step.endsWith("q=") ? step + "volunteer+" + random.nextInt(100) : step);
    }

    /** Sends {@code step} (again, after a challenge it solved), then thinks and goes on. */
    private void step(String step) {
        if (!active()) {
            client.close();
            return;
        }
        client.send(Requests.browser(run.host, step, userAgent, true, cookies), (outcome, r) -> {
            if (r != null) {
                Requests.keepCookies(r.headers(), cookies);
            }
            if (solved(outcome, r, () -> step(step))) {
                return;
            }
            settle();
            boolean loggedOut = r != null && r.status().code() == 302 && "/login".equals(r.headers().get(HttpHeaderNames.LOCATION));
            if (loggedOut) {
                cookies.clear();
            }
            afterThinking(loggedOut ? this::logIn : this::work);
        });
    }
}

package io.rampart.lab.load;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpMethod;
import io.rampart.lab.scenario.Group;
import java.nio.charset.StandardCharsets;

/**
 * One connection of a flooding bot. It sends as fast as its share of the source's rate allows
 * ({@code connections / rate} seconds apart) and as fast as answers come back (a bot waits for
 * each answer on a connection, so a slow target slows it down, as with real HTTP floods). When
 * refused or cut off it reconnects at once. With a pulse, it falls silent during the off phases.
 * With {@code headers: browser} it sends a browser's full set of headers; with {@code solves} it
 * is a headless browser: one user agent for its life, cookies kept, challenges solved (in a
 * phone's time, like the lab's visitors), and still the same request at the same pace.
 */
final class FloodConnection extends Simulated {
    private static final String BOT_AGENT = Requests.BROWSERS.get(0);

    private final LabClient client;
    private final Group group;
    private final String pathTemplate;
    private final boolean post;
    private final long period;
    private long nextSend;
    private final String fixedAgent;
    private final java.util.Map<String, String> cookies = new java.util.HashMap<>();

    FloodConnection(RunContext run, EventLoop loop, LabClient client, Group group, long start, long end, long period, long seed) {
        super(run, loop, start, end, seed);
        this.client = client;
        this.group = group;
        this.pathTemplate = group.pathOr("/");
        this.post = "POST".equals(group.methodOr());
        this.period = period;
        // one browser per bot when it solves (a headless browser keeps its identity), else the group's choice
        this.fixedAgent = group.solvesChallenges() && group.rotatingUserAgent()
                ? Requests.BROWSERS.get(random.nextInt(Requests.BROWSERS.size())) : BOT_AGENT;
    }

    @Override
    long stagger() {
        return between(0, period);
    }

    @Override
    void begin() {
        nextSend = run.clock.nanos();
        fire();
    }

    private void fire() {
        long now = run.clock.nanos();
        if (!active()) {
            client.close();
            return;
        }
        long sinceStart = now - startNanos;
        if (!group.pulseOn(sinceStart)) {
            long cycle = group.pulse().on().toNanos() + group.pulse().off().toNanos();
            long resume = cycle - sinceStart % cycle;
            client.close();
            nextSend = now + resume;
            later(resume, this::fire);
            return;
        }
        String uri = pathTemplate.contains("{rand}") ? pathTemplate.replace("{rand}", Requests.random(random, 10)) : pathTemplate;
        String agent = group.solvesChallenges() || !group.rotatingUserAgent() ? fixedAgent : Requests.BROWSERS.get(random.nextInt(Requests.BROWSERS.size()));
        var request = post
                ? Requests.plain(HttpMethod.POST, run.host, uri, agent, "*/*", "user=admin&password=" + Requests.random(random, 8))
                : group.browserHeaders() ? Requests.browser(run.host, uri, agent, true, cookies)
                : Requests.plain(HttpMethod.GET, run.host, uri, agent, "*/*", null);
        if (!group.browserHeaders()) {
            Requests.addCookies(request, cookies);
        }
        nextSend = Math.max(nextSend + period, now);
        client.send(request, (outcome, r) -> {
            if (r != null && group.solvesChallenges()) { // a headless browser: keeps its cookies, solves what it is set
                Requests.keepCookies(r.headers(), cookies);
                BrowserChallenge puzzle = outcome == Outcome.CHALLENGED ? BrowserChallenge.in(r.content().toString(StandardCharsets.UTF_8)) : null;
                if (puzzle != null) {
                    cookies.put(puzzle.cookie, puzzle.answer());
                    nextSend = Math.max(nextSend, run.clock.nanos() + puzzle.browserSolveNanos());
                }
            }
            later(nextSend - run.clock.nanos(), this::fire);
        });
    }
}

package io.rampart.lab.load;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpMethod;
import io.rampart.lab.scenario.Group;

/**
 * One connection of a flooding bot. It sends as fast as its share of the source's rate allows
 * ({@code connections / rate} seconds apart) and as fast as answers come back (a bot waits for
 * each answer on a connection, so a slow target slows it down, as with real HTTP floods). When
 * refused or cut off it reconnects at once. With a pulse, it falls silent during the off phases.
 */
final class FloodConnection extends Simulated {
    private static final String BOT_AGENT = Requests.BROWSERS.get(0);

    private final LabClient client;
    private final Group group;
    private final String pathTemplate;
    private final boolean post;
    private final long period;
    private long nextSend;

    FloodConnection(RunContext run, EventLoop loop, LabClient client, Group group, long start, long end, long period, long seed) {
        super(run, loop, start, end, seed);
        this.client = client;
        this.group = group;
        this.pathTemplate = group.pathOr("/");
        this.post = "POST".equals(group.methodOr());
        this.period = period;
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
        String agent = group.rotatingUserAgent() ? Requests.BROWSERS.get(random.nextInt(Requests.BROWSERS.size())) : BOT_AGENT;
        var request = post
                ? Requests.plain(HttpMethod.POST, run.host, uri, agent, "*/*", "user=admin&password=" + Requests.random(random, 8))
                : Requests.plain(HttpMethod.GET, run.host, uri, agent, "*/*", null);
        nextSend = Math.max(nextSend + period, now);
        client.send(request, (outcome, r) -> later(nextSend - run.clock.nanos(), this::fire));
    }
}

package io.rampart.lab.load;

import io.netty.channel.EventLoop;

/** A person at a browser: pauses to read or think between steps, and arrives at a random moment within one pause. */
abstract class Browsing extends Simulated {
    final LabClient client;
    final String userAgent;
    private final long thinkMin;
    private final long thinkMax;

    Browsing(RunContext run, EventLoop loop, LabClient client, int agentChoices, long start, long end, long thinkMin, long thinkMax, long seed) {
        super(run, loop, start, end, seed);
        this.client = client;
        this.userAgent = Requests.BROWSERS.get(random.nextInt(agentChoices));
        this.thinkMin = thinkMin;
        this.thinkMax = thinkMax;
    }

    @Override
    long stagger() {
        return between(0, thinkMax);
    }

    /** Does {@code next} after a pause drawn between the think bounds. */
    void afterThinking(Runnable next) {
        later(between(thinkMin, thinkMax), next);
    }
}

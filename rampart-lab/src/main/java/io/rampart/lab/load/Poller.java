package io.rampart.lab.load;

import io.netty.channel.EventLoop;
import io.netty.handler.codec.http.HttpMethod;

/**
 * A non-browser client that must keep working through an attack: a feed reader fetching the RSS
 * feed, or the campaign's mobile app calling the JSON API, at a steady interval (with jitter).
 */
final class Poller extends Simulated {
    private final LabClient client;
    private final String uri;
    private final String userAgent;
    private final String accept;
    private final String authorization;
    private final long interval;

    private Poller(RunContext run, EventLoop loop, LabClient client, String uri, String userAgent, String accept,
                   String authorization, long start, long end, long interval, long seed) {
        super(run, loop, start, end, seed);
        this.client = client;
        this.uri = uri;
        this.userAgent = userAgent;
        this.accept = accept;
        this.authorization = authorization;
        this.interval = interval;
    }

    static Poller feed(RunContext run, EventLoop loop, LabClient client, long start, long end, long interval, long seed) {
        return new Poller(run, loop, client, "/feed.xml", "NewsBlur Feed Fetcher - 12 subscribers", "application/rss+xml, application/xml;q=0.9",
                null, start, end, interval, seed);
    }

    static Poller api(RunContext run, EventLoop loop, LabClient client, int id, long start, long end, long interval, long seed) {
        return new Poller(run, loop, client, "/api/v1/items", "campaign-app/3.1 (Android 14) okhttp/4.12.0", "application/json",
                "Bearer app-token-" + id, start, end, interval, seed);
    }

    @Override
    long stagger() {
        return between(0, interval);
    }

    @Override
    void begin() {
        poll();
    }

    private void poll() {
        if (!active()) {
            client.close();
            return;
        }
        var request = Requests.plain(HttpMethod.GET, run.host, uri, userAgent, accept, null);
        if (authorization != null) {
            request.headers().set("authorization", authorization);
        }
        client.send(request, (outcome, r) -> later(between(interval * 9 / 10, interval * 11 / 10), this::poll));
    }
}

package io.rampart.shield;

import io.netty.channel.EventLoop;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * Keeps each site's snapshot pages ({@code snapshot:} in a site) fresh: fetches them at once and
 * then every {@code shield.snapshotInterval} (the interval at start), from one event loop, into
 * {@link Snapshots}. What to fetch is asked anew each time, so a reload that adds sites with
 * snapshots or switches the shield on or off applies from the next round.
 */
public final class SnapshotRefresher {
    /** One site's snapshot pages and where to fetch them. */
    public record Target(int slot, InetSocketAddress origin, String host, List<String> paths) {
    }

    /** One round: the targets and the limits of a fetch; null from the plan when the shield is off. */
    public record Round(List<Target> targets, Snapshots into, int maxBytes, long timeoutMillis) {
    }

    private SnapshotRefresher() {
    }

    /** Starts fetching on {@code loop} every {@code everyMillis}, each round as {@code plan} says then. */
    public static void start(EventLoop loop, long everyMillis, Supplier<Round> plan) {
        loop.scheduleWithFixedDelay(() -> refresh(loop, plan.get()), 0, everyMillis, TimeUnit.MILLISECONDS);
    }

    private static void refresh(EventLoop loop, Round round) {
        if (round == null) {
            return;
        }
        for (Target t : round.targets()) {
            for (String path : t.paths()) {
                ShieldFetcher.fetch(loop, t.origin(), t.host(), path, round.maxBytes(), round.timeoutMillis(), res -> {
                    if (res != null) {
                        round.into().offer(t.slot(), path, res);
                        res.release();
                    }
                });
            }
        }
    }
}

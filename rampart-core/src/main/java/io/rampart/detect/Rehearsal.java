package io.rampart.detect;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.rampart.config.DetectionConfig;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.FeatureHasher;
import io.rampart.traffic.RequestFeatures;
import io.rampart.traffic.TrafficRecorder;
import java.time.Instant;
import java.util.SplittableRandom;

/**
 * An attack rehearsed on a scratch site when the control plane starts, so that the code that
 * judges the first real flood has already run.
 *
 * <p>Design note: the first signature search of a process runs interpreted, with its classes still
 * to load. Measured in the lab (`residential-flood`, two busy cores), the first search took
 * 180 ms over 227 sampled requests and the next ones 4 ms over 1,100: the first flood a gateway
 * ever meets, the one that matters most after an emergency start, waited a fifth of a second for
 * its rule while reaching the origin. The rehearsal steps a private {@link SiteControl} (own
 * recorder, own hasher, no listener, nothing published, nothing logged) through a learned normal
 * and a flood it must find a rule for, a few times, on the control thread before the first tick.
 * It costs about a second of one core at start-up, once per process, and nothing afterwards.
 */
final class Rehearsal {
    /** Normal ticks before each flood: enough for the baseline to be learned and to know enough. */
    private static final int NORMAL_TICKS = 30;
    private static final int FLOOD_TICKS = 3;
    /** The flood's requests per tick, in normal ticks' worth: overwhelming (ten times normal and more) at once. */
    private static final int FLOOD_FACTOR = 12;
    private static final String[] PAGES = {"/", "/news", "/about", "/static/site.css", "/static/app.js", "/donate"};
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0";

    private Rehearsal() {
    }

    /**
     * Runs {@code rounds} rehearsed attacks with the site's own detection settings (their tick
     * lengths and thresholds, so the same branches run). Returns how many of them ended with a rule,
     * which a test can check to see that the rehearsal really reached the search.
     */
    static int run(DetectionConfig config, int rounds) {
        int found = 0;
        SplittableRandom random = new SplittableRandom(1);
        for (int round = 0; round < rounds; round++) {
            TrafficRecorder recorder = new TrafficRecorder();
            RequestFeatures f = new RequestFeatures(new FeatureHasher(round + 1));
            SiteControl site = new SiteControl("rehearsal", 0, recorder, () -> false, null, config, round, SILENT);
            double seconds = config.tick().toNanos() / 1e9;
            int perTick = (int) Math.max(200, config.minRate() * seconds * 4);
            Instant at = Instant.EPOCH;
            for (int t = 0; t < NORMAL_TICKS + learnTicks(config); t++) {
                for (int i = 0; i < perTick; i++) {
                    record(recorder, f, "10.0." + (i % 40) + ".1", head(PAGES[random.nextInt(PAGES.length)], BROWSER, true));
                }
                at = at.plusNanos(config.tick().toNanos());
                site.step(at, seconds, 12);
            }
            for (int t = 0; t < FLOOD_TICKS; t++) {
                for (int i = 0; i < perTick * FLOOD_FACTOR; i++) {
                    record(recorder, f, "100." + (64 + i % 50) + "." + (i / 50 % 250) + ".9",
                            head("/search?q=" + Long.toString(random.nextLong() & 0xffffff, 36), "rehearsal-bot/1", false));
                }
                at = at.plusNanos(config.tick().toNanos());
                site.step(at, seconds, 12);
            }
            found += site.book.live().isEmpty() ? 0 : 1;
        }
        return found;
    }

    private static int learnTicks(DetectionConfig c) {
        return (int) Math.ceil((c.learnFor().toNanos() + c.learnDelay().toNanos()) / (double) c.tick().toNanos());
    }

    private static void record(TrafficRecorder r, RequestFeatures f, String ip, HttpRequest head) {
        r.record(f.fill(ClientAddress.parse(ip), head, head.uri()), 0);
    }

    private static HttpRequest head(String path, String agent, boolean browser) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        r.headers().set("Host", "rehearsal.invalid").set("User-Agent", agent);
        if (browser) {
            r.headers().set("Accept", "text/html,*/*;q=0.8").set("Accept-Language", "en-GB,en;q=0.9");
        } else {
            r.headers().set("Accept", "*/*");
        }
        return r;
    }

    private static final SiteControl.EventSink SILENT = new SiteControl.EventSink() {
        @Override
        public void transition(Transition t) {
        }

        @Override
        public void event(String site, RuleEvent e) {
        }
    };
}

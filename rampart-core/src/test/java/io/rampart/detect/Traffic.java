package io.rampart.detect;

import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpVersion;
import io.rampart.mitigate.PolicyHolder;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.FeatureHasher;
import io.rampart.traffic.RequestFeatures;
import io.rampart.traffic.TrafficRecorder;
import java.util.List;
import java.util.SplittableRandom;

/** Synthetic but realistic request heads for driving the control plane: browsers, API clients, bots. */
final class Traffic {
    static final List<String> BROWSERS = List.of(
            "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/130.0.0.0 Safari/537.36",
            "Mozilla/5.0 (Macintosh; Intel Mac OS X 14_6) AppleWebKit/605.1.15 (KHTML, like Gecko) Version/18.0 Safari/605.1.15",
            "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0");
    static final String[] PAGES = {"/", "/article/1", "/article/2", "/article/3", "/about", "/static/site.css", "/static/app.js"};

    final FeatureHasher hasher;
    final SplittableRandom random = new SplittableRandom(7);
    private final PolicyHolder policy;

    /** @param policy matched against every request, as the data plane does (counts rule hits); may be null */
    Traffic(FeatureHasher hasher, PolicyHolder policy) {
        this.hasher = hasher;
        this.policy = policy;
    }

    /** Records {@code f} as the data plane does: rules first, then the recorder. */
    void send(TrafficRecorder r, RequestFeatures f) {
        boolean refused = policy != null && policy.get().site(0).match(f) != null;
        r.record(f, refused ? TrafficRecorder.REFUSED : 0);
    }

    static HttpRequest browserHead(String path, String userAgent) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        r.headers().set("Host", "campaign.example").set("User-Agent", userAgent)
                .set("Accept", "text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
                .set("Accept-Language", "en-GB,en;q=0.9").set("Accept-Encoding", "gzip, deflate, br");
        return r;
    }

    static HttpRequest botHead(HttpMethod method, String path, String userAgent) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, method, path);
        r.headers().set("Host", "campaign.example").set("User-Agent", userAgent).set("Accept", "*/*");
        return r;
    }

    static HttpRequest apiHead(String path) {
        HttpRequest r = new DefaultHttpRequest(HttpVersion.HTTP_1_1, HttpMethod.GET, path);
        r.headers().set("Host", "campaign.example").set("User-Agent", "campaign-app/3.1 okhttp/4.12.0")
                .set("Accept", "application/json").set("Authorization", "Bearer x");
        return r;
    }

    RequestFeatures features(String ip, HttpRequest head) {
        return new RequestFeatures(hasher).fill(ClientAddress.parse(ip), head, head.uri());
    }

    /** One normal second: {@code visitors} browsing pages and assets, ten API polls. */
    void normalSecond(TrafficRecorder r, int visitors) {
        for (int v = 0; v < visitors; v++) {
            String ip = "10.1." + (v / 200) + "." + (v % 200 + 1);
            String ua = BROWSERS.get(v % BROWSERS.size());
            for (int k = 0; k < 2; k++) {
                send(r, features(ip, browserHead(PAGES[random.nextInt(PAGES.length)], ua)));
            }
        }
        for (int a = 0; a < 10; a++) {
            send(r, features("10.2.0." + (a + 1), apiHead("/api/v1/items")));
        }
    }

    /** A flash crowd second: {@code visitors} new readers from never-seen networks, behaving like readers. */
    void crowdSecond(TrafficRecorder r, int visitors, int salt) {
        for (int v = 0; v < visitors; v++) {
            String ip = "172." + (16 + v % 16) + "." + (v / 16 % 250) + "." + (salt % 250 + 1);
            String ua = BROWSERS.get(v % BROWSERS.size());
            for (int k = 0; k < 2; k++) {
                send(r, features(ip, browserHead(PAGES[random.nextInt(PAGES.length)], ua)));
            }
        }
    }

    /** One second of a distributed flood: {@code bots}, each in its own /24, two random searches each. */
    void floodSecond(TrafficRecorder r, int bots, boolean browserLike) {
        for (int b = 0; b < bots; b++) {
            String ip = "100." + (64 + b / 250 % 60) + "." + (b % 250) + ".7";
            String ua = BROWSERS.get(b % BROWSERS.size());
            for (int k = 0; k < 2; k++) {
                String path = "/search?q=" + randomWord(10);
                HttpRequest head = browserLike ? browserHead(path, ua) : botHead(HttpMethod.GET, path, ua);
                send(r, features(ip, head));
            }
        }
    }

    String randomWord(int n) {
        String alphabet = "abcdefghijklmnopqrstuvwxyz0123456789";
        StringBuilder sb = new StringBuilder(n);
        for (int i = 0; i < n - 1; i++) {
            sb.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return sb.append(random.nextInt(10)).toString();
    }
}

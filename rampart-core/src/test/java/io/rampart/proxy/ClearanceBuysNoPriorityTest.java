package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.Challenges;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.OriginExtension;
import io.rampart.testing.RawHttp;
import io.rampart.testing.RawHttp.Response;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A browser botnet solves the challenge too (issue 17's browser-botnet): a clearance must not buy
 * a client that browses like a script the known users' share of the origin. After solving, a
 * client that opens pages without ever fetching an asset is served from the suspect lane; one
 * that browses like a person keeps the known lane.
 */
@ExtendWith(LeakWatcher.class)
class ClearanceBuysNoPriorityTest {
    @RegisterExtension
    static final OriginExtension ORIGIN = new OriginExtension();

    private static final String HTML = "text/html,application/xhtml+xml,*/*;q=0.8";
    private final ExecutorService pool = Executors.newCachedThreadPool();

    @AfterEach
    void stop() throws Exception {
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }

    private static Response get(RawHttp c, String path, String cookie) throws Exception {
        c.send("GET " + path + " HTTP/1.1\r\nHost: a\r\nUser-Agent: Mozilla/5.0 (X11; Linux x86_64) test\r\nAccept: "
                + (path.endsWith(".css") ? "text/css" : HTML) + "\r\n" + (cookie == null ? "" : "Cookie: " + cookie + "\r\n") + "\r\n");
        return c.read();
    }

    /** Solves the challenge from {@code source}; returns the clearance cookie. */
    private static String clearance(RawHttp c) throws Exception {
        return Challenges.clearance(get(c, "/echo?first", Challenges.solution(get(c, "/echo?first", null))));
    }

    private int slotsTaken(GatewayFixture gw, String source, String cookie) throws Exception {
        ORIGIN.origin().slowInFlightMax.set(0);
        List<CompletableFuture<Response>> all = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            String path = "/slow?ms=400&" + source + "=" + i;
            all.add(CompletableFuture.supplyAsync(() -> {
                try (RawHttp c = new RawHttp(source, gw.port())) {
                    return get(c, path, cookie);
                } catch (Exception e) {
                    throw new RuntimeException(e);
                }
            }, pool));
        }
        for (CompletableFuture<Response> f : all) {
            assertThat(f.get(10, TimeUnit.SECONDS).status()).isEqualTo(200);
        }
        return ORIGIN.origin().slowInFlightMax.get();
    }

    @Test
    void aClearanceHolderBrowsingLikeAScript_getsTheSuspectShare_aPersonTheKnownLane() throws Exception {
        try (GatewayFixture gw = GatewayFixture.start("""
                listeners: [{address: "127.0.0.1:0"}]
                challenge: {difficulty: 8}
                limits: {perClient: {rate: 100, burst: 100}}
                admission: {initialLimit: 4, minLimit: 4, maxLimit: 4, knownReserve: 0.5, suspectShare: 0.25, queueSize: 50, queueTimeout: 5s}
                sites:
                  - {name: test, hosts: ['*'], upstreams: [ORIGIN], underAttack: true}
                """, ORIGIN.url())) {
            String bot;
            try (RawHttp c = new RawHttp("127.0.25.1", gw.port())) {
                bot = clearance(c);
                assertThat(get(c, "/echo?search=1", bot).status()).isEqualTo(200);
                assertThat(get(c, "/echo?search=2", bot).status()).isEqualTo(200);
            }
            String person;
            try (RawHttp c = new RawHttp("127.0.25.2", gw.port())) {
                person = clearance(c);
                get(c, "/static/site.css", person);
                assertThat(get(c, "/echo?article=2", person).status()).isEqualTo(200);
            }
            assertThat(slotsTaken(gw, "127.0.25.1", bot)).as("the clearance holder that browses like a script: a quarter").isEqualTo(1);
            assertThat(slotsTaken(gw, "127.0.25.2", person)).as("the person: the known lane").isGreaterThan(1);
        }
    }
}

package io.rampart.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.detect.SiteView;
import io.rampart.testing.GatewayFixture;
import io.rampart.testing.LeakWatcher;
import io.rampart.testing.RawHttp;
import io.rampart.testing.TestOrigin;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The control plane over real sockets: readers browse, then 300 bots (each under the per-client
 * limit, each its own address) flood the search page with a library's headers. The gateway learns,
 * detects, deploys a rule, and from then on the bots are refused while every reader is served.
 */
@ExtendWith(LeakWatcher.class)
class DetectionTest {
    private static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0";
    private final TestOrigin origin = new TestOrigin();
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicBoolean running = new AtomicBoolean(true);

    @AfterEach
    void stop() throws Exception {
        running.set(false);
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
        origin.close();
    }

    /** A reader on its own address: pages and assets over one keep-alive connection, about 10 a second. */
    private void reader(int port, int id, AtomicInteger served, AtomicInteger refused, AtomicBoolean counting) {
        pool.execute(() -> {
            String[] pages = {"/", "/article/" + id, "/static/site.css", "/about", "/search?q=volunteers+" + id};
            int i = 0;
            while (running.get()) {
                try (RawHttp c = new RawHttp("127.0.30." + (id + 1), port)) {
                    while (running.get()) {
                        c.send("GET " + pages[i++ % pages.length] + " HTTP/1.1\r\nHost: campaign.example\r\nUser-Agent: " + BROWSER
                                + "\r\nAccept: text/html,*/*;q=0.8\r\nAccept-Language: en-GB\r\nAccept-Encoding: gzip\r\n\r\n");
                        int status = c.read().status();
                        if (counting.get()) {
                            (status == 200 ? served : refused).incrementAndGet();
                        }
                        Thread.sleep(100);
                    }
                } catch (IOException e) {
                    // reconnect
                } catch (InterruptedException e) {
                    return;
                }
            }
        });
    }

    /** Fifty bots on one thread, round robin over their keep-alive connections, about 3 requests/s each. */
    private void botnet(int port, int thread, AtomicLong refusedAt, AtomicInteger botRefusals, long started) {
        pool.execute(() -> {
            RawHttp[] conns = new RawHttp[50];
            int n = 0;
            try {
                while (running.get()) {
                    int b = n++ % conns.length;
                    String source = "127.31." + thread + "." + (b + 1);
                    try {
                        if (conns[b] == null) {
                            conns[b] = new RawHttp(source, port);
                        }
                        conns[b].send("GET /search?q=" + Long.toString(System.nanoTime() & 0xffffffffL, 36) + "x" + n
                                + " HTTP/1.1\r\nHost: campaign.example\r\nUser-Agent: " + BROWSER + "\r\nAccept: */*\r\n\r\n");
                        int status = conns[b].read().status();
                        if (status == 403) {
                            botRefusals.incrementAndGet();
                            refusedAt.compareAndSet(0, System.nanoTime() - started);
                        }
                    } catch (IOException e) {
                        botRefusals.incrementAndGet(); // closed on it: the top rung
                        refusedAt.compareAndSet(0, System.nanoTime() - started);
                        closeQuietly(conns[b]);
                        conns[b] = null;
                    }
                    Thread.sleep(6);
                }
            } catch (InterruptedException e) {
                // stop
            } finally {
                for (RawHttp c : conns) {
                    closeQuietly(c);
                }
            }
        });
    }

    private static void closeQuietly(RawHttp c) {
        if (c != null) {
            try {
                c.close();
            } catch (IOException ignored) {
                // closing
            }
        }
    }

    @Test
    void distributedFloodUnderThePerClientLimit_isDetectedAndRefused_whileEveryReaderIsServed() throws Exception {
        try (GatewayFixture gw = GatewayFixture.simple(origin.url(), """
                detection:
                  tick: 250ms
                  learnFor: 2s
                """)) {
            AtomicInteger served = new AtomicInteger();
            AtomicInteger readersRefused = new AtomicInteger();
            AtomicBoolean counting = new AtomicBoolean();
            for (int r = 0; r < 12; r++) {
                reader(gw.port(), r, served, readersRefused, counting);
            }
            Awaitility.await().atMost(Duration.ofSeconds(20))
                    .until(() -> gw.gateway.detection().view().get(0).baselineTicks() >= 16);
            assertThat(gw.gateway.detection().view().get(0).state()).isEqualTo("normal");

            AtomicLong refusedAt = new AtomicLong();
            AtomicInteger botRefusals = new AtomicInteger();
            long start = System.nanoTime();
            for (int t = 0; t < 6; t++) {
                botnet(gw.port(), t, refusedAt, botRefusals, start);
            }
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> botRefusals.get() > 500);
            SiteView site = gw.gateway.detection().view().get(0);
            assertThat(site.state()).isEqualTo("attack");
            assertThat(site.rules()).isNotEmpty();
            assertThat(site.rules().get(0).conditions()).contains("fingerprint=").contains("accept=*/*");

            counting.set(true);
            int originBefore = origin.requests.get();
            Thread.sleep(2000);
            int originDuring = origin.requests.get() - originBefore;
            counting.set(false);
            assertThat(readersRefused.get()).as("readers refused while the rule is in force").isZero();
            assertThat(served.get()).isGreaterThan(100);
            assertThat(originDuring).as("the origin sees the readers (about 240 in 2 s, less what the shield answers), not the flood")
                    .isLessThan(400);
            String log = gw.accessLogText();
            assertThat(log).contains("\"reason\":\"rule\",\"rule\":\"" + site.rules().get(0).id() + "\"");
            assertThat(gw.gateway.metrics().scrape()).contains("rampart_detection_state{site=\"test\"} 2.0");
            System.out.printf("first bot refused %.1f s after the flood began; %s%n", refusedAt.get() / 1e9, site.rules().get(0));
        }
    }
}

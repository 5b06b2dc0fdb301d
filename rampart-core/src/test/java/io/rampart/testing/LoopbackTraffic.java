package io.rampart.testing;

import java.io.IOException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Readers and a botnet on distinct loopback addresses, for end-to-end detection tests: readers
 * browse like people (browser headers, about ten requests a second each, one keep-alive
 * connection), bots flood random searches with a bot-like header set. Everything stops on {@link #close}.
 */
public final class LoopbackTraffic implements AutoCloseable {
    public static final String BROWSER = "Mozilla/5.0 (X11; Linux x86_64; rv:132.0) Gecko/20100101 Firefox/132.0";
    private final ExecutorService pool = Executors.newCachedThreadPool();
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicBoolean flooding = new AtomicBoolean(true);
    private final int port;
    public final AtomicInteger readersServed = new AtomicInteger();
    public final AtomicInteger readersRefused = new AtomicInteger();
    /** Whether reader outcomes are being counted. */
    public final AtomicBoolean counting = new AtomicBoolean();
    public final AtomicInteger botRefusals = new AtomicInteger();
    /** Nanoseconds from {@link #botnet}'s start to the first refusal of a bot (0: none yet). */
    public final AtomicLong firstBotRefusedAfter = new AtomicLong();

    public LoopbackTraffic(int port) {
        this.port = port;
    }

    /** Starts reader {@code id} on 127.0.30.(id+1). */
    public void reader(int id) {
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
                            (status == 200 ? readersServed : readersRefused).incrementAndGet();
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

    /** Starts {@code threads} x 50 bots on 127.31.T.B, round robin over keep-alive connections, about 3 requests/s each. */
    public void botnet(int threads) {
        long started = System.nanoTime();
        flooding.set(true);
        for (int t = 0; t < threads; t++) {
            int thread = t;
            pool.execute(() -> bots(thread, started));
        }
    }

    /** Stops the bots (readers go on). */
    public void stopFlood() {
        flooding.set(false);
    }

    private void bots(int thread, long started) {
        RawHttp[] conns = new RawHttp[50];
        int n = 0;
        try {
            while (running.get() && flooding.get()) {
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
                        firstBotRefusedAfter.compareAndSet(0, System.nanoTime() - started);
                    }
                } catch (IOException e) {
                    botRefusals.incrementAndGet(); // closed on it: the top rung
                    firstBotRefusedAfter.compareAndSet(0, System.nanoTime() - started);
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

    @Override
    public void close() throws InterruptedException {
        running.set(false);
        pool.shutdownNow();
        pool.awaitTermination(5, TimeUnit.SECONDS);
    }
}

package io.rampart.lab.origin;

import java.time.Duration;

/**
 * The test origin's limits, chosen to look like a small application server (a PHP-FPM or Rails
 * pool): a fixed number of workers, each busy for a known service time per dynamic request, a
 * bounded queue in front of them, and a cap on open connections like a thread-per-connection
 * front end. Capacity is therefore known by construction: {@code workers / serviceTime} requests
 * per second for each path.
 *
 * @param workers         application workers; a dynamic request holds one for its service time
 * @param queueLimit      requests allowed to wait for a worker; beyond it the origin answers 503
 * @param queueTimeout    a request that waited this long is answered 503 instead of served
 * @param maxConnections  open connections; at the cap the origin stops accepting (backlog fills)
 * @param idleTimeout     a connection with no bytes for this long is closed (reset by any byte,
 *                        as in servers without a request-head deadline: slowloris works here)
 * @param pageCost        service time of a rendered page ({@code /}, {@code /article/N}, {@code /account})
 * @param searchCost      service time of {@code /search}
 * @param loginCost       service time of {@code POST /login} (password hashing)
 * @param apiCost         service time of {@code /api/v1/items}
 * @param overloadWait    a second in which some request waited longer than this counts as over capacity
 */
public record OriginCapacity(int workers, int queueLimit, Duration queueTimeout, int maxConnections,
                             Duration idleTimeout, Duration pageCost, Duration searchCost, Duration loginCost,
                             Duration apiCost, Duration overloadWait) {

    /** 16 workers: about 1,600 pages/s, 530 searches/s or 400 log-ins/s; 512 connections. */
    public static final OriginCapacity DEFAULT = new OriginCapacity(16, 512, Duration.ofSeconds(2), 512,
            Duration.ofSeconds(30), Duration.ofMillis(10), Duration.ofMillis(30), Duration.ofMillis(40),
            Duration.ofMillis(5), Duration.ofMillis(250));

    /** Requests per second the workers can serve when every request costs {@code cost}. */
    public double capacityPerSecond(Duration cost) {
        return workers * 1e9 / cost.toNanos();
    }
}

package io.rampart.lab.target;

/**
 * The protection policy every gateway gets, so a comparison is about mechanisms rather than
 * numbers: a per-client request rate and burst, a stricter one for log-ins, a cap on concurrent
 * connections per client, and how many connections to the origin a gateway may hold.
 */
public record Policy(int rate, int burst, int loginRate, int loginBurst, int connections, int originConnections) {
    /** 20 requests/s (burst 40) per client, 1/s (burst 5) for log-ins, 32 connections per client. */
    public static final Policy DEFAULT = new Policy(20, 40, 1, 5, 32, 32);
}

package io.rampart.config;

import java.time.Duration;

/**
 * Cluster mode ({@code cluster:}): several nodes share their limits, decisions and clearances
 * through a Redis store. Off when {@code store} is absent.
 *
 * @param store        {@code redis://host:port/db}, {@code rediss://…} (TLS) or
 *                     {@code redis-sentinel://host:26379,host2:26379/db#mymaster}; absent: no cluster
 * @param node         this node's unique name; default: the host name
 * @param name         the cluster's name: every key is under {@code rampart:NAME:}, and a store holding another
 *                     cluster's marker under that database is refused
 * @param passwordEnv  the environment variable holding the store's password (with an ACL user in the URL too)
 * @param syncInterval how often a node reconciles its rate-limit charges with the store and sends its heartbeat's figures
 * @param maxSyncKeys  the most rate-limit keys one node reconciles per interval (its busiest); bounds the store's
 *                     traffic and memory whatever the number of sources
 * @param timeout      a store command not answered within this is a failure (the node then runs on its own state)
 */
public record ClusterConfig(String store, String node, String name, String passwordEnv, Duration syncInterval,
                            Integer maxSyncKeys, Duration timeout) {
    public static final ClusterConfig DEFAULT = new ClusterConfig(null, null, null, null, null, null, null);

    public ClusterConfig {
        name = name == null ? "rampart" : name;
        syncInterval = syncInterval == null ? Duration.ofMillis(100) : syncInterval;
        maxSyncKeys = maxSyncKeys == null ? 1024 : maxSyncKeys;
        timeout = timeout == null ? Duration.ofSeconds(2) : timeout;
    }

    public boolean enabled() {
        return store != null;
    }

    /** The configured node name, else the host name, else "node". */
    public String nodeName() {
        if (node != null) {
            return node;
        }
        String env = System.getenv("HOSTNAME");
        if (env != null && !env.isBlank()) {
            return env;
        }
        try {
            return java.net.InetAddress.getLocalHost().getHostName();
        } catch (java.io.IOException e) {
            return "node";
        }
    }
}

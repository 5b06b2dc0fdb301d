package io.rampart.redis;

/** Every key of one cluster, under {@code rampart:NAME:}; one database-wide marker names the cluster that owns the database. */
final class Keys {
    /** Which cluster owns this database: a store holding another cluster's marker is refused. */
    static final String OWNER = "rampart:owner";

    private final String prefix;

    Keys(String cluster) {
        this.prefix = "rampart:" + cluster + ":";
    }

    String secrets() {
        return prefix + "secrets";
    }

    /** The latest detection state any node saved (baselines, remembered attacks): one document, the latest wins. */
    String detectionState() {
        return prefix + "detection-state";
    }

    String decisions() {
        return prefix + "decisions";
    }

    String nodes() {
        return prefix + "nodes";
    }

    String node(String name) {
        return prefix + "node:" + name;
    }

    String limit(long clusterKey) {
        return prefix + "rl:" + Long.toHexString(clusterKey);
    }

    String prefix() {
        return prefix;
    }
}

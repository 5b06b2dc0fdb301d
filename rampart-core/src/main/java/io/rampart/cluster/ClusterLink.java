package io.rampart.cluster;

import java.util.Map;

/**
 * The store's side of cluster mode, as the gateway and the admin API see it (implemented in
 * {@code rampart-redis}).
 */
public interface ClusterLink extends AutoCloseable {
    /** The cluster's state for {@code GET /api/cluster}: this node, every node seen, the store's health. */
    Map<String, Object> describe();

    /** Whether the store answered within the last few seconds. */
    boolean storeUp();

    @Override
    void close();
}

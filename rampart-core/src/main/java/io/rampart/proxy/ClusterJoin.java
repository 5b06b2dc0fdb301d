package io.rampart.proxy;

import io.rampart.cluster.ClusterLink;
import io.rampart.cluster.ClusterSecrets;
import io.rampart.cluster.SharedDecision;
import java.util.function.Consumer;

/**
 * How a gateway joins a cluster at start (implemented by the store's module, {@code rampart-redis}):
 * first the shared secrets, before any state that depends on them is built; then, once the gateway
 * stands, the link that carries its decisions out and the others' in.
 */
public interface ClusterJoin {
    /** This node's name. */
    String node();

    /**
     * The secrets every node shares. Called once, before the gateway's state is built; a store that
     * does not answer leaves the node's own ({@link ClusterSecrets#NONE}).
     *
     * @param localFeatureKey the feature key this node learned under so far (the first node's becomes the cluster's)
     */
    ClusterSecrets secrets(long localFeatureKey);

    /**
     * The cluster's latest saved detection state (a node's baselines and remembered attacks, as
     * {@code detection-state.json} holds them), or null. Called once at start, for a node that has
     * none of its own.
     */
    byte[] detectionState();

    /** Where this node's saved detection state goes (queued; the latest wins). */
    Consumer<byte[]> detectionStateSink();

    /** Where this node's decisions go (queued; never blocks). */
    Consumer<SharedDecision> sink();

    /** Starts the link: heartbeats, the decision log, the limit exchange. */
    ClusterLink start(ClusterMember member);
}

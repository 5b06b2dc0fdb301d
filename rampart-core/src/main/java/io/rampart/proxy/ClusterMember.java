package io.rampart.proxy;

import io.rampart.cluster.SharedDecision;
import io.rampart.mitigate.LimitExchange;

/**
 * The gateway as its cluster link sees it: where decisions heard from other nodes are applied,
 * what was admitted per rate-limit key, and where the cluster's backlogs land.
 */
public interface ClusterMember {
    /** Applies a decision another node took (without publishing it again). Unknown sites and ended decisions are ignored. */
    void apply(SharedDecision d);

    /** What this node admitted per shared limit key since the last drain. */
    LimitExchange limits();

    /** Makes the local bucket of {@code charge}'s key carry the cluster's backlog for it. */
    void align(LimitExchange.Charge charge, long clusterBacklogNanos);

    /** How many nodes are live (shared bursts are split between them). */
    void nodes(int live);

    /** This node's share of the cluster's requests, 0 to 1 (detection's minRate is the cluster's). */
    void share(double share);

    /**
     * What this node has decided and still holds (run-time list entries, operator rules, pins,
     * under-attack switches, automatic rules), to write into a store that lost its log.
     */
    java.util.List<SharedDecision> standing();

    /** Where incidents agree across the cluster (nothing when incidents are off). */
    void incidentRegistry(io.rampart.incident.IncidentRegistry registry);

    /** Where the link's own meters go ({@code rampart_cluster_*}). */
    io.rampart.metrics.GatewayMetrics metrics();

    /** Where this node listens ({@code 10.0.0.5:443}), for the cluster's view. */
    java.util.List<String> addresses();

    /** Requests this node answered in all (for the heartbeat's rate). */
    long requestsAnswered();
}

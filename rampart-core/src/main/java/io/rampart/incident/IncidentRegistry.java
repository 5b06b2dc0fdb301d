package io.rampart.incident;

import java.util.List;

/**
 * Where the nodes of a cluster agree on one incident per site and attack (implemented over the
 * cluster's store). Without a cluster, {@link #LOCAL}: every incident is this node's own.
 */
public interface IncidentRegistry {
    /**
     * The incident this node joins on {@code site}.
     *
     * @param id     the cluster-wide id (the first node's)
     * @param leader whether this node opened it: the leader sends its alerts, so they go out once
     * @param openedBy the node that opened it
     */
    record Claim(String id, boolean leader, String openedBy) {
    }

    /** The cluster's open incident on {@code site}, or {@code proposedId} as a new one (may call the store; bounded by its timeout). */
    Claim claim(String site, String proposedId);

    /** This node's record of an incident, for the others' reports (queued; never blocks). */
    void contribute(IncidentRecord record);

    /** This node's incident on {@code site} ended (queued; never blocks). */
    void release(String site, String id);

    /** The other nodes' records of incident {@code id} (empty without a cluster or when the store does not answer). */
    List<IncidentRecord> others(String id);

    IncidentRegistry LOCAL = new IncidentRegistry() {
        @Override
        public Claim claim(String site, String proposedId) {
            return new Claim(proposedId, true, null);
        }

        @Override
        public void contribute(IncidentRecord record) {
        }

        @Override
        public void release(String site, String id) {
        }

        @Override
        public List<IncidentRecord> others(String id) {
            return List.of();
        }
    };
}

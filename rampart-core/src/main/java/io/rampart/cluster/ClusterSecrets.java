package io.rampart.cluster;

/**
 * The keys every node of a cluster must hold alike: the challenge's master secret (so a clearance
 * earned on one node passes on every other) and the key request features are hashed with (so an
 * automatic rule found on one node means the same requests on every other, and the limit
 * exchange names keys alike).
 *
 * @param challengeSecret the challenge's master secret, or null to keep the node's own
 *                        ({@code challenge.secret} from the configuration wins over the cluster's)
 * @param featureKey      the feature hash key, or null to keep the node's own
 */
public record ClusterSecrets(String challengeSecret, Long featureKey) {
    public static final ClusterSecrets NONE = new ClusterSecrets(null, null);
}

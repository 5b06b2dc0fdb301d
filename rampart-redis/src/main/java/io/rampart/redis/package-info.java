/**
 * Cluster mode through Redis (or Valkey), beside the request path: nothing here runs on an event
 * loop or is waited on by a request.
 *
 * <ul>
 *   <li>{@link io.rampart.redis.RedisCluster}: joins the cluster at start (shared secrets), then runs
 *       the link's two threads;</li>
 *   <li>{@link io.rampart.redis.DecisionLog}: every decision (list entries, operator rules, pins,
 *       under-attack switches, automatic rules, spent tickets) appended to one Redis Stream and read
 *       back by every node from its own cursor;</li>
 *   <li>{@link io.rampart.redis.LimitSync}: each interval, the busiest rate-limit keys' local charges
 *       against the cluster-wide bucket in the store, and the local buckets aligned with it;</li>
 *   <li>{@link io.rampart.redis.Membership}: heartbeats with expiry, the live nodes, the store's clock;</li>
 *   <li>{@link io.rampart.redis.StoreHealth}: up or down, one log line per change, the meters.</li>
 * </ul>
 *
 * <p>The store is a helper, never a single point of failure: when it is down every node keeps
 * serving on its own state, queues its decisions, and catches up when it returns. See
 * {@code docs/decisions/0024-cluster-mode.md}.
 */
package io.rampart.redis;

/**
 * JMH benchmarks of the proxy's per-request decision path. They live in the proxy's package (in
 * the rampart-bench module) so they can measure package-private classes exactly as the data plane uses them.
 */
package io.rampart.proxy;

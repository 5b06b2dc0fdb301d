/**
 * The origin shield — the last step before "Forward": answers anonymous cacheable {@code GET}s
 * without the origin, so a flood of page views or a debate-night rush costs the origin one fetch
 * per page per few seconds.
 *
 * <p>{@link io.rampart.shield.CacheKeys} builds keys that ignore tracking parameters (and, under
 * pressure, random-looking cache busters); {@link io.rampart.shield.Freshness} reads the origin's
 * {@code Cache-Control}; {@link io.rampart.shield.Shield} stores responses in bounded memory, with
 * {@code Vary}, and coalesces concurrent misses into one origin fetch; {@link
 * io.rampart.shield.Snapshots} keeps key pages to serve while the origin is down. The proxy feeds
 * it responses as they stream ({@link io.rampart.shield.Capture}) and asks it before admission,
 * so a hit never takes an origin slot.
 */
package io.rampart.shield;

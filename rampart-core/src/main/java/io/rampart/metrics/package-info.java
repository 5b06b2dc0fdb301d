/**
 * Meter names and the binder the data plane records into.
 *
 * <p>Beside the request path: every step of the proxy bumps a pre-registered meter here (counters
 * looked up by array index, never by building tags per request). Scraped as Prometheus text by the
 * admin listener's {@code /metrics}.
 */
package io.rampart.metrics;

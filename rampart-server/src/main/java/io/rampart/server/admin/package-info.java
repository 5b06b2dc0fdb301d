/**
 * The admin listener (loopback by default): {@code /metrics} in Prometheus text format and
 * {@code /healthz}. Beside the request path; the admin API of a later issue grows here.
 */
package io.rampart.server.admin;

/**
 * The command line and the wiring: reads the configuration, starts the {@link io.rampart.proxy.Gateway}
 * and the admin listener, and stops both gracefully on {@code SIGTERM}. Outside the request path.
 */
package io.rampart.server;

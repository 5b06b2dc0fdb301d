/**
 * Configuration: the YAML model (immutable records), its loader and its validator.
 *
 * <p>Sits before the request path: a {@link io.rampart.config.RampartConfig} is read once at start
 * (later: on reload), validated as a whole, and compiled by the proxy into the immutable runtime
 * objects the data plane reads. Errors name the file, the path ({@code sites[1].upstreams[0]}) and
 * what was expected; unknown keys are errors.
 */
package io.rampart.config;

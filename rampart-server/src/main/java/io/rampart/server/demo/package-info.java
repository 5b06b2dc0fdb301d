/**
 * A small demo origin for {@code rampart demo}: a page, an asset, a JSON API and a slow path, so a
 * new user can see the gateway forward, limit and explain itself without a site of their own.
 */
package io.rampart.server.demo;

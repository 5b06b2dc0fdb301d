package io.rampart.config;

/** A path prefix within a site ({@code /api/}, {@code /login}) with its own limits. */
public record RouteConfig(String path, LimitsConfig limits) {
}

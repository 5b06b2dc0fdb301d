package io.rampart.config;

import java.util.List;

/**
 * One protected site.
 *
 * @param name      a short name used in metrics, logs and the admin API
 * @param hosts     Host header values it answers: exact ({@code www.example.org}), wildcard
 *                  ({@code *.example.org}, any depth of subdomain) or {@code *} (any host)
 * @param upstreams origin URLs ({@code http://host:port}), used round-robin; one that refuses
 *                  connections is skipped for a while
 * @param limits    overrides of the top-level limits
 * @param routes    path-prefix overrides; the longest matching prefix wins
 * @param underAttack challenge every unknown client on this site (except exempt paths and verified bots)
 * @param snapshot  paths whose last good page the shield keeps and serves while the origin is down
 * @param pin       {@code auto} (default): the control plane chooses the mitigation; or a step of the
 *                  ladder ({@code observe}, {@code limit}, {@code challenge}, {@code block}, {@code close},
 *                  {@code under-attack}) every automatic rule of this site is held at
 * @param https     redirect plain HTTP to HTTPS, and the {@code Strict-Transport-Security} header to send
 * @param acme      obtain and renew this site's certificate automatically (for its exact host names) through ACME
 * @param contact   how a refused visitor reaches the site's people (an address or page), shown on Rampart's
 *                  own 403, 429 and 503 pages; none by default
 */
public record SiteConfig(String name, List<String> hosts, List<String> upstreams, LimitsConfig limits,
                         List<RouteConfig> routes, Boolean underAttack, List<String> snapshot, MitigationStep pin,
                         HttpsConfig https, Boolean acme, String contact) {
    public SiteConfig {
        snapshot = snapshot == null ? List.of() : List.copyOf(snapshot);
        hosts = hosts == null ? List.of() : List.copyOf(hosts);
        upstreams = upstreams == null ? List.of() : List.copyOf(upstreams);
        routes = routes == null ? List.of() : List.copyOf(routes);
        underAttack = underAttack != null && underAttack;
        https = https == null ? HttpsConfig.NONE : https;
        acme = acme != null && acme;
    }

    public SiteConfig(String name, List<String> hosts, List<String> upstreams, LimitsConfig limits,
                      List<RouteConfig> routes, Boolean underAttack, List<String> snapshot, MitigationStep pin) {
        this(name, hosts, upstreams, limits, routes, underAttack, snapshot, pin, null, null, null);
    }

    /** The name visitors know the site by: its first exact host name, else its name. */
    public String title() {
        for (String h : hosts) {
            if (!h.contains("*")) {
                return h;
            }
        }
        return name;
    }

    /** Whether the operator pinned this site's mitigation to one step ({@code null}: automatic). */
    public boolean pinned() {
        return pin != null;
    }

    /** This site with the under-attack switch set to {@code on}. */
    public SiteConfig underAttack(boolean on) {
        return new SiteConfig(name, hosts, upstreams, limits, routes, on, snapshot, pin, https, acme, contact);
    }
}

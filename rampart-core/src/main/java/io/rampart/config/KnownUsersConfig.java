package io.rampart.config;

import java.util.List;

/**
 * What makes a client <em>known</em> besides a clearance cookie: known clients skip challenges and
 * use the reserved share of origin capacity during an attack.
 *
 * <p>A cookie or header named here only has to be present, so this is as strong as the name is
 * secret: use it for a site's own session cookie (an attacker who logs in is still rate limited
 * per client like anyone else). The allow list and a valid clearance also make a client known.
 *
 * <p>A signed token is stronger: the site's own application, which knows who logged in, mints
 * {@code USER.EXPIRY.HMAC} (see {@code docs/configuration.md}) with a secret it shares with
 * Rampart, and sets it as the cookie {@code tokenCookie}. Rampart checks the signature and the
 * expiry; a forged or expired token makes no one known.
 *
 * @param cookies     names of cookies that only logged-in users carry (e.g. the site's session cookie)
 * @param headers     names of request headers that only the organisation's own clients send
 * @param tokenCookie name of the cookie carrying a signed user token (with {@code tokenSecret})
 * @param tokenSecret the secret shared with the site's application that mints the tokens
 * @param usersPerAddress known users (by cookie, header, token or clearance) are rate limited each on
 *                    their own, and together one address may send this many times the per-client
 *                    limit: an office of staff behind one NAT address is not limited as one client
 */
public record KnownUsersConfig(List<String> cookies, List<String> headers, String tokenCookie, String tokenSecret,
                               Integer usersPerAddress) {
    public static final KnownUsersConfig DEFAULT = new KnownUsersConfig(null, null, null, null, null);

    public KnownUsersConfig {
        usersPerAddress = usersPerAddress == null ? 16 : usersPerAddress;
        cookies = cookies == null ? List.of() : List.copyOf(cookies);
        headers = headers == null ? List.of() : List.copyOf(headers);
    }
}

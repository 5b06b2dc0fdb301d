package io.rampart.config;

import java.util.List;

/**
 * What makes a client <em>known</em> besides a clearance or the allow list: a signed user token.
 * Known clients skip challenges and use the reserved share of origin capacity during an attack.
 *
 * <p>The site's own application, which knows who logged in, mints {@code USER.EXPIRY.HMAC} (see
 * {@code docs/configuration.md}) with a secret it shares with Rampart, and sets it as the cookie
 * {@code tokenCookie}. Rampart checks the signature and the expiry; a forged or expired token
 * makes no one known.
 *
 * @param cookies     ignored (with a warning): a cookie that is merely present proves nothing
 * @param headers     ignored (with a warning): a header that is merely present proves nothing
 * @param tokenCookie name of the cookie carrying a signed user token (with {@code tokenSecret})
 * @param tokenSecret the secret shared with the site's application that mints the tokens
 * @param usersPerAddress known users (by token or clearance) are rate limited each on their own,
 *                    and together one address may send this many times the per-client limit: an
 *                    office of staff behind one NAT address is not limited as one client
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

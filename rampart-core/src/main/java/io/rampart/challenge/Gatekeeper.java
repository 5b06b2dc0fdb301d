package io.rampart.challenge;

import com.github.benmanes.caffeine.cache.Ticker;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.rampart.config.ChallengeConfig;
import io.rampart.config.KnownUsersConfig;
import io.rampart.traffic.ClientAddress;
import java.util.function.LongSupplier;
import org.slf4j.LoggerFactory;

/**
 * Identifies known clients and hands out challenges and clearances: the one object the proxy asks.
 *
 * <p>A client is known when the allow list names it, it presents a valid clearance cookie, it
 * presents a freshly solved challenge (then a clearance is issued with the response), or it
 * carries a configured user cookie or header. Rampart's own cookies are removed before the request
 * goes to the origin. A clearance is bound to the client's network prefix and user-agent, so a
 * cookie copied to a bot elsewhere is refused.
 */
public final class Gatekeeper {
    /** The short-lived cookie the challenge page stores its solution in. */
    public static final String SOLUTION_COOKIE = "rampart_pow";
    /**
     * The admin listener's session cookie. Cookies ignore ports, so a browser that opened the
     * dashboard sends it to the sites on the same host too: it is taken off every request before
     * the origin sees it.
     */
    public static final String ADMIN_COOKIE = "rampart_admin";
    /** Clients asked more work when they are already close to their rate limit. */
    static final int SUSPECT_EXTRA_BITS = 2;

    private final Tickets tickets;
    private final ChallengePolicy policy;
    private final ChallengePage page;
    private final String clearanceName;
    private final long clearanceSeconds;
    private final long waitSeconds;
    private final int difficulty;
    private final String tokenCookie;
    private final UserTokens userTokens;

    public Gatekeeper(ChallengeConfig challenge, KnownUsersConfig knownUsers, LongSupplier wallMillis, Ticker ticker) {
        this(challenge, knownUsers, new Tickets(new TicketKeys(challenge.secret(), challenge.keyRotation(), wallMillis), 1_000_000, ticker),
                wallMillis);
    }

    /**
     * A gatekeeper for a reloaded configuration that keeps {@code tickets} — the signing keys and
     * the record of tickets already redeemed — so every clearance and challenge in flight stays
     * valid; everything else (difficulty, exempt paths, verified bots, waits, cookie and
     * known-user names) is the new configuration's. {@code secret} and {@code keyRotation} shape
     * the keys and need a restart.
     */
    public Gatekeeper(ChallengeConfig challenge, KnownUsersConfig knownUsers, Tickets tickets, LongSupplier wallMillis) {
        this.tickets = tickets;
        this.policy = new ChallengePolicy(challenge);
        this.page = new ChallengePage(challenge.contact(), SOLUTION_COOKIE);
        this.clearanceName = challenge.cookieName();
        this.clearanceSeconds = challenge.clearanceLifetime().toSeconds();
        this.waitSeconds = challenge.noScriptWait().toSeconds();
        this.difficulty = challenge.difficulty();
        if (!knownUsers.cookies().isEmpty() || !knownUsers.headers().isEmpty()) {
            LoggerFactory.getLogger(Gatekeeper.class).warn("knownUsers.cookies and knownUsers.headers are ignored: a cookie or "
                    + "header that is merely present can be sent by anyone, so it no longer makes a client known. Give logged-in "
                    + "users a signed token instead (knownUsers.tokenCookie and tokenSecret; docs/configuration.md, Known users)");
        }
        this.tokenCookie = knownUsers.tokenCookie();
        this.userTokens = knownUsers.tokenSecret() == null ? null : new UserTokens(knownUsers.tokenSecret(), wallMillis);
    }

    public Tickets tickets() {
        return tickets;
    }

    public ChallengePage page() {
        return page;
    }

    public long waitSeconds() {
        return waitSeconds;
    }

    /**
     * Fills {@code out} for one request to {@code site}. Only unforgeable evidence makes a client
     * known (decision 0020): the allow list, a clearance earned on this site, a solution to this
     * site's challenge, a valid signed user token. A cookie or header that is merely present proves
     * nothing and counts for nothing.
     */
    public void assess(HttpHeaders headers, ClientAddress client, boolean allowListed, String site, Standing out) {
        out.reset();
        String cookie = headers.get(HttpHeaderNames.COOKIE);
        if (cookie != null) {
            String clearance = Cookies.value(cookie, clearanceName);
            String solution = Cookies.value(cookie, SOLUTION_COOKIE);
            out.ourCookies = clearance != null || solution != null || Cookies.value(cookie, ADMIN_COOKIE) != null;
            if (clearance != null) {
                Tickets.Check c = tickets.checkClearance(clearance, client, headers.get(HttpHeaderNames.USER_AGENT), site);
                if (c.ok()) {
                    out.known(Standing.Basis.CLEARANCE);
                    out.person = person(clearance);
                } else {
                    out.refused = c;
                }
            }
            if (!out.known && solution != null) {
                redeemSolution(solution, headers.get(HttpHeaderNames.USER_AGENT), client, site, out);
            }
            if (!out.known && userTokens != null) {
                String token = Cookies.value(cookie, tokenCookie);
                if (token != null && userTokens.valid(token)) {
                    out.known(Standing.Basis.USER_TOKEN);
                    out.person = tokenUser(token);
                }
            }
        }
        if (!out.known && allowListed) {
            out.known(Standing.Basis.ALLOW_LIST);
        }
    }

    private static long person(String credential) {
        return io.rampart.traffic.KeyHash.fnv1a(credential, credential.length()) | 1;
    }

    /** A valid token's person: its user id, so one account is one person however many tokens it holds. */
    private static long tokenUser(String token) {
        // deterministic (not seeded): the shared-address book keeps people across restarts
        return io.rampart.traffic.FeatureHasher.finish(io.rampart.traffic.KeyHash.fnv1a(token, token.indexOf('.')) ^ 0x75736572L) | 1;
    }

    /**
     * The person a {@code Set-Cookie} value from the origin logs in: the user of a valid signed token
     * set in {@code knownUsers.tokenCookie}, or 0 (another cookie, no token configured, not valid).
     */
    public long loggedIn(String setCookie) {
        if (userTokens == null || setCookie == null || !setCookie.startsWith(tokenCookie)
                || setCookie.length() <= tokenCookie.length() || setCookie.charAt(tokenCookie.length()) != '=') {
            return 0;
        }
        int end = setCookie.indexOf(';');
        String token = setCookie.substring(tokenCookie.length() + 1, end < 0 ? setCookie.length() : end).trim();
        return userTokens.valid(token) ? tokenUser(token) : 0;
    }

    /** Whether signed user tokens are configured (then the origin's responses are watched for log-ins). */
    public boolean tokensConfigured() {
        return userTokens != null;
    }

    private void redeemSolution(String solution, String ua, ClientAddress client, String site, Standing out) {
        int dot = solution.lastIndexOf('.');
        long counter = parseCounter(solution, dot + 1);
        if (dot != 72 || counter < 0) {
            out.refused = Tickets.Check.MALFORMED;
            return;
        }
        Tickets.Check c = tickets.redeemChallenge(solution.substring(0, dot), counter, client, ua);
        if (c.ok()) {
            out.known(Standing.Basis.SOLVED);
            String clearance = tickets.mintClearance(client, ua, clearanceSeconds, 0, site);
            out.setCookie = clearanceCookie(clearance);
            out.person = person(clearance); // the person the clearance will name from the next request on (limited on their own from this one)
        } else {
            out.refused = c;
        }
    }

    private static long parseCounter(String s, int from) {
        int len = s.length() - from;
        if (len < 1 || len > 15) {
            return -1;
        }
        long v = 0;
        for (int i = from; i < s.length(); i++) {
            char ch = s.charAt(i);
            if (ch < '0' || ch > '9') {
                return -1;
            }
            v = v * 10 + (ch - '0');
        }
        return v;
    }

    /** Whether this request can never be challenged (feeds, APIs, well-known paths, verified bots). */
    public boolean exempt(String target, CharSequence userAgent, ClientAddress client) {
        return policy.exempt(target, userAgent, client);
    }

    /** Whether the client is a configured crawler at a matching address. */
    public boolean verifiedBot(CharSequence userAgent, ClientAddress client) {
        return policy.verifiedBot(userAgent, client);
    }

    /**
     * Leading zero bits to ask: the configured difficulty, two more for a client near its rate
     * limit, and more as the site's threat rises ({@code state}, the detector's: one more bit when
     * {@code suspect}, two under {@code attack}), never above {@value #MAX_BITS} (a few seconds on a
     * low-end phone). Each bit doubles what a bot pays per clearance.
     */
    public int difficultyFor(boolean suspect, String state) {
        int threat = "attack".equals(state) ? 2 : "suspect".equals(state) ? 1 : 0;
        return Math.min(MAX_BITS, difficulty + (suspect ? SUSPECT_EXTRA_BITS : 0) + threat);
    }

    static final int MAX_BITS = 20;

    /** A {@code Set-Cookie} value carrying a fresh clearance for this client, valid on {@code site} alone. */
    public String clearanceCookie(ClientAddress client, CharSequence ua, String site) {
        return clearanceCookie(tickets.mintClearance(client, ua, clearanceSeconds, 0, site));
    }

    private String clearanceCookie(String clearance) {
        return clearanceName + "=" + clearance + "; Max-Age=" + clearanceSeconds + "; Path=/; HttpOnly; SameSite=Lax";
    }

    /** Expires the solution cookie once it has been used. */
    public static String expireSolutionCookie() {
        return SOLUTION_COOKIE + "=; Max-Age=0; Path=/; SameSite=Lax";
    }

    /** The {@code Cookie} header without Rampart's own cookies, or {@code null} when none is left. */
    public String withoutOurCookies(String header) {
        return Cookies.without(header, clearanceName, SOLUTION_COOKIE, ADMIN_COOKIE);
    }
}

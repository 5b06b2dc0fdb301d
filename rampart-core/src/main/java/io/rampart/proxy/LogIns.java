package io.rampart.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;

/**
 * Watches the origin's responses for log-ins: a {@code Set-Cookie} carrying a valid signed user
 * token ({@code knownUsers.tokenCookie}) means the site has just logged a person in from this
 * client's address. That person enters the shared-address book at once (the address's allowance
 * grows within one round trip, before the person's next request), and when the person is new at
 * the address, the anonymous request that logged them in is given back to the address's limits: a
 * whole office logging in together through one NAT address is not refused at the log-in form,
 * while failed log-ins (no token) and an account logging in again and again (the same person)
 * are charged as before.
 */
final class LogIns {
    private LogIns() {
    }

    static void watch(Exchange x, HttpHeaders h) {
        if (!x.rt.gatekeeper.tokensConfigured() || x.addressId == 0 || !h.contains(HttpHeaderNames.SET_COOKIE)) {
            return;
        }
        for (String cookie : h.getAll(HttpHeaderNames.SET_COOKIE)) {
            long person = x.rt.gatekeeper.loggedIn(cookie);
            if (person != 0 && x.rt.crowds.saw(x.addressId, person, true) && x.anonymousCharge > 0) {
                x.rt.decider.refundAnonymous(x.client, x.site.limitsFor(x.target), x.anonymousCharge, x.rt.ticker.getAsLong());
                x.anonymousCharge = 0;
            }
        }
    }
}

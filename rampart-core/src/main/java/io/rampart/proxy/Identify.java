package io.rampart.proxy;

import io.rampart.challenge.ChallengePage;
import io.rampart.challenge.Standing;
import java.util.Locale;

/**
 * Who the client is, before any limit applies: allow-listed, holding a clearance or a solved
 * challenge, a signed user token, a verified crawler, or a known user (see {@link Standing}).
 * Known users are rate limited each on their own (an office behind one address). Requests for
 * Rampart's own pages are not assessed. Also reads the control plane's policy for the site. Each
 * person (a token's user, a clearance) is entered in the shared-address book under the client's
 * address, so an office behind one address gets an allowance that grows with its people.
 */
final class Identify implements Step {
    @Override
    public Outcome apply(Exchange x) {
        x.own = x.target.startsWith(ChallengePage.PREFIX);
        x.allowListed = x.rt.decider.allowListed(x.client);
        if (!x.own) {
            x.rt.gatekeeper.assess(x.request.headers(), x.client, x.allowListed, x.site.name(), x.standing);
            Standing s = x.standing;
            if (s.person() != 0) {
                // unforgeable people only (a token's user, a clearance): an office's allowance grows with them
                x.rt.crowds.saw(x.addressId, s.person(), s.basis() == Standing.Basis.USER_TOKEN);
            }
            if (s.basis() == Standing.Basis.SOLVED) {
                x.rt.metrics.challenge("solved");
            } else if (s.refused() != null) {
                x.rt.metrics.challenge("refused." + s.refused().name().toLowerCase(Locale.ROOT));
            }
        }
        x.policy = x.rt.policy.get().site(x.siteIndex);
        return Outcome.CONTINUE;
    }
}

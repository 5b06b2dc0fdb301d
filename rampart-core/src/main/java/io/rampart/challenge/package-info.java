/**
 * Proof-of-work challenges and clearance — what a client gets instead of the origin when a site is
 * challenging unknown clients, and how it comes back.
 *
 * <p>In the request path this sits after "Decide" (rate limits and lists passed) and before
 * "Admit": {@link io.rampart.challenge.ChallengePolicy} says whether a request may be challenged at
 * all (feeds, APIs, {@code /.well-known/} and verified bots never are), {@link
 * io.rampart.challenge.Tickets} mints and checks the signed, client-bound tickets (the challenge
 * itself, the clearance cookie, the no-JavaScript pass), and {@link
 * io.rampart.challenge.ChallengePage} renders the accessible interstitial page and serves its
 * scripts. Everything here is stateless apart from the set of spent tickets, so it can be shared by
 * a cluster through the master secret alone.
 */
package io.rampart.challenge;

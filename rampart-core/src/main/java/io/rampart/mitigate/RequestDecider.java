package io.rampart.mitigate;

import io.rampart.config.LimitAction;
import io.rampart.traffic.ClientAddress;
import io.rampart.traffic.KeyHash;

/**
 * The first-line decision for one request: lists, then per-client and per-prefix limits.
 *
 * <p>Order: allow list (wins over everything), deny list (for clients only known per request, such
 * as those named by a trusted proxy; direct connections from denied networks are closed at accept),
 * per-client limit, per-prefix limit. A client over its own limit does not spend its prefix's
 * budget. Allocation-free; time comes from the caller.
 */
public final class RequestDecider {
    private static final long PERSON = 0x5045_5253_4f4eL;

    private final AccessLists lists;
    private final GcraTable table;
    private volatile LimitExchange exchange = LimitExchange.OFF;

    public RequestDecider(IpSet allow, IpSet deny, GcraTable table) {
        this(AccessLists.of(allow, deny), table);
    }

    public RequestDecider(AccessLists lists, GcraTable table) {
        this.lists = lists;
        this.table = table;
    }

    /** The allow and deny lists this decider reads (changed at run time through the admin API). */
    public AccessLists lists() {
        return lists;
    }

    public GcraTable table() {
        return table;
    }

    /** Counts admitted requests for the cluster's reconciliation of per-client and per-prefix limits. */
    public void exchange(LimitExchange e) {
        this.exchange = e == null ? LimitExchange.OFF : e;
    }

    public IpSet allowList() {
        return lists.allow();
    }

    public IpSet denyList() {
        return lists.deny();
    }

    /**
     * Counts {@code client} as an attacker under {@code limits}: its per-client bucket is emptied
     * and held empty for {@code holdNanos}, so its requests are refused until then (its /24
     * neighbours are not punished). Allow-listed clients are left alone.
     */
    public void penalize(ClientAddress client, SiteLimits limits, long now, long holdNanos) {
        if (lists.allowed(client)) {
            return;
        }
        if (limits.perClient() != null) {
            table.exhaust(client.key(), limits.perClient(), now, holdNanos);
        }
    }

    /** Whether the operator's allow list names {@code client}. */
    public boolean allowListed(ClientAddress client) {
        return lists.allowed(client);
    }

    /** Fills {@code out} with the verdict for a request from {@code client} under {@code limits}. */
    public void decide(ClientAddress client, SiteLimits limits, long now, Decision out) {
        decide(client, limits, now, 0, 1, allowListed(client), out);
    }

    /**
     * As {@link #decide(ClientAddress, SiteLimits, long, Decision)}, for a request from the known
     * user {@code person} (a hash of their session, token or clearance; 0 for none). A known user is
     * held to the per-client limit on their own, and all known users of one address together to
     * the shared address budget: staff behind one office NAT are not limited as one client, while
     * a bot inventing sessions from one address gets no more than that budget. An anonymous request
     * (a log-in form) from an address {@code sharedUsers} known users share is held to that many
     * times the per-client limit. {@code allowListed} is {@link #allowListed}'s answer for the
     * client, which the caller has already asked.
     */
    public void decide(ClientAddress client, SiteLimits limits, long now, long person, int sharedUsers, boolean allowListed,
                       Decision out) {
        if (allowListed) {
            out.set(Verdict.ALLOW, Reason.ALLOW_LIST, 0, 0);
            return;
        }
        if (lists.denied(client)) {
            out.set(Verdict.BLOCK, Reason.DENY_LIST, 0, 0);
            return;
        }
        RateLimit perClient = person == 0 ? limits.perClientFor(sharedUsers) : limits.perClient();
        boolean suspect = false;
        if (perClient != null) {
            boolean shared = person != 0 && limits.sharedAddress() != null;
            long wait = shared ? table.admit(KeyHash.mix(PERSON, client.key(), person), perClient, now)
                    : table.admitShared(client.key(), perClient, now);
            if (!shared && wait <= 0) {
                exchange.admittedClient(client, perClient);
            }
            if (shared && wait <= 0) {
                long addressWait = table.acquire(client.key(), limits.sharedAddress(), now);
                if (addressWait > 0) {
                    over(limits, Reason.CLIENT_RATE, addressWait, out);
                    return;
                }
            }
            if (wait > 0) {
                over(limits, Reason.CLIENT_RATE, wait, out);
                return;
            }
            // past half its burst: plausible, but heavy — served last when the origin is contended
            suspect = -wait > perClient.toleranceNanos() / 2;
        }
        RateLimit perPrefix = limits.perPrefix();
        if (perPrefix != null) {
            long wait = table.admitShared(client.prefixKey(), perPrefix, now);
            if (wait > 0) {
                over(limits, Reason.PREFIX_RATE, wait, out);
                return;
            }
            exchange.admittedPrefix(client, perPrefix);
        }
        out.set(Verdict.ALLOW, Reason.NONE, 0, 0);
        out.suspect = suspect;
    }

    /**
     * Gives back what an anonymous request from {@code client} was charged when
     * {@code sharedUsers} people shared its address: the origin answered it by logging a new person
     * in, who is limited on their own from now on (see {@link AddressCrowds}).
     */
    public void refundAnonymous(ClientAddress client, SiteLimits limits, int sharedUsers, long now) {
        RateLimit perClient = limits.perClientFor(sharedUsers);
        if (perClient != null) {
            table.refund(client.key(), perClient, now);
        }
        if (limits.perPrefix() != null) {
            table.refund(client.prefixKey(), limits.perPrefix(), now);
        }
    }

    private static void over(SiteLimits limits, Reason reason, long wait, Decision out) {
        LimitAction action = limits.action();
        switch (action) {
            case TARPIT:
                out.set(Verdict.TARPIT, reason, wait, limits.tarpitNanos());
                break;
            case BLOCK:
                out.set(Verdict.BLOCK, reason, wait, 0);
                break;
            case CLOSE:
                out.set(Verdict.CLOSE, reason, wait, 0);
                break;
            default:
                out.set(Verdict.LIMIT, reason, wait, 0);
        }
    }
}

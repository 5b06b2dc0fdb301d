package io.rampart.challenge;

/**
 * What the gateway knows about the client behind one request: whether it is <em>known</em> (and
 * why), a clearance to hand out with the response, and a ticket it presented that failed. One
 * instance per connection, reset for each request.
 */
public final class Standing {
    /** Why a client is known. */
    public enum Basis {
        NONE("-"), ALLOW_LIST("allow-list"), CLEARANCE("clearance"), SOLVED("solved"), PASS("no-js-pass"),
        USER_TOKEN("user-token"), VERIFIED_BOT("verified-bot");

        private final String id;

        Basis(String id) {
            this.id = id;
        }

        public String id() {
            return id;
        }
    }

    boolean known;
    Basis basis = Basis.NONE;
    String setCookie;
    Tickets.Check refused;
    boolean ourCookies;
    long person;

    public void reset() {
        person = 0;
        known = false;
        basis = Basis.NONE;
        setCookie = null;
        refused = null;
        ourCookies = false;
    }

    void known(Basis why) {
        known = true;
        basis = why;
    }

    /**
     * Which known user this is, as a hash of the session cookie, header, token or clearance that
     * made them known (0: not told apart, e.g. the allow list). Rate limits count per user.
     */
    public long person() {
        return person;
    }

    /** Known clients skip challenges and use the reserved share of origin capacity. */
    public boolean known() {
        return known;
    }

    public Basis basis() {
        return basis;
    }

    /**
     * Which of the control plane's rules apply to this client (decision 0020): every rule to an
     * anonymous client; to one that paid the challenge (a clearance, a solution, a no-JavaScript
     * pass), operator rules and automatic rules that limit, block or close; to one vouched for (a
     * signed user token, a verified crawler), operator rules. The allow list is never refused by a
     * rule (the {@code Rules} step does not ask).
     */
    public int ruleScope() {
        switch (basis) {
            case CLEARANCE:
            case SOLVED:
            case PASS:
                return io.rampart.mitigate.SitePolicy.PAST_THE_CHALLENGE;
            case USER_TOKEN:
            case VERIFIED_BOT:
            case ALLOW_LIST:
                return io.rampart.mitigate.SitePolicy.OPERATOR_RULES;
            default:
                return io.rampart.mitigate.SitePolicy.EVERY_RULE;
        }
    }

    /** A {@code Set-Cookie} value to add to this request's response (a new clearance), or {@code null}. */
    public String setCookie() {
        return setCookie;
    }

    /** A clearance or solution this request presented that was refused (for the log), or {@code null}. */
    public Tickets.Check refused() {
        return refused;
    }

    /** The request carries Rampart's own cookies, which are removed before it goes to the origin. */
    public boolean carriesOurCookies() {
        return ourCookies;
    }
}

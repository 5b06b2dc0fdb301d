package io.rampart.proxy;

/**
 * The fixed sequence of steps every request goes through, in order (HAProxy's analysers):
 * <pre>
 *  Hygiene        broken or hostile shapes: 400/405/413, the target in origin form
 *  AcmeAnswer     a certificate authority's HTTP-01 validation, before anything else
 *  Route          Host to site (421/400), the client named by a trusted proxy, the request's features
 *  Identify       who the client is: allow list, clearance, signed token, known user
 *  Limits         lists and rate limits: 429/403/tarpit/close; Rampart's own pages served here
 *  Rules          the control plane's automatic and operator rules
 *  UnderAttack    unknown clients get the proof-of-work challenge while the site is under attack
 *  Allowed        the request is counted as allowed; Rampart's own cookies are taken off it
 *  Habits         pages without the assets a browser fetches: automated-looking, the suspect lane
 *  HttpsRedirect  308 to HTTPS for sites that want it
 *  ShieldLookup   answered from the origin shield, or parked behind another request's fetch
 *  BodyFirst      the request is made ready for the origin; a small body is read whole first
 *  Admission      an origin slot, known clients first, or a wait in the queue, or 503
 *  Connect        the origin leg takes over: connect, send, relay the response
 * </pre>
 * Each step returns {@link Outcome#CONTINUE}, {@link Outcome#ANSWERED} or {@link Outcome#WAIT};
 * a step that waited resumes the path after itself ({@link Exchange#resume}). Adding a capability
 * means adding a step here.
 */
final class RequestPath {
    private static final Step[] STEPS = {
            new Hygiene(),
            new AcmeAnswer(),
            new Route(),
            new Identify(),
            new Limits(),
            new Rules(),
            new UnderAttack(),
            new Allowed(),
            new Habits(),
            new HttpsRedirect(),
            new ShieldLookup(),
            new BodyFirst(),
            new Admission(),
            new Connect(),
    };

    /** Where a request the shield could not answer after all goes on (after {@link ShieldLookup}). */
    static final int AFTER_SHIELD = indexOf(BodyFirst.class);

    private RequestPath() {
    }

    /** Runs the steps for {@code x} from the one at {@code from}, until one answers or waits. */
    static void run(Exchange x, int from) {
        for (int i = from; i < STEPS.length; i++) {
            x.step = i;
            if (STEPS[i].apply(x) != Outcome.CONTINUE) {
                return;
            }
        }
    }

    /** The step names in order, for documentation and tests. */
    static String[] names() {
        String[] out = new String[STEPS.length];
        for (int i = 0; i < STEPS.length; i++) {
            out[i] = STEPS[i].getClass().getSimpleName();
        }
        return out;
    }

    private static int indexOf(Class<? extends Step> type) {
        for (int i = 0; i < STEPS.length; i++) {
            if (STEPS[i].getClass() == type) {
                return i;
            }
        }
        throw new IllegalStateException(type.getSimpleName() + " is not on the request path");
    }
}

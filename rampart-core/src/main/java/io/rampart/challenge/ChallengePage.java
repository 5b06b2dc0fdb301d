package io.rampart.challenge;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;

/**
 * The interstitial page a challenged browser sees, and the two scripts it loads.
 *
 * <p>Accessible by construction: one heading, plain language, a labelled {@code <progress>} and a
 * polite live region for screen readers, no colour-only cues, the reference id and how to reach the
 * site's operators. Without JavaScript a {@code <noscript>} meta refresh brings the browser to the
 * pass address after the configured wait, and from there to {@link #CHECK_PATH}, which sends it on
 * if the clearance cookie came back and otherwise explains that cookies are refused, instead of
 * looping; with JavaScript, the page checks the cookie itself. The scripts are static and cacheable, so the page itself stays about 2 KB — under a
 * flood that is what each challenge costs to send.
 */
public final class ChallengePage {
    /** Where the scripts and the pass live; never forwarded to an origin. */
    public static final String PREFIX = "/.rampart/";
    public static final String WORKER_PATH = PREFIX + "pow-worker.js";
    public static final String SCRIPT_PATH = PREFIX + "challenge.js";
    public static final String PASS_PATH = PREFIX + "pass";
    /** Where a no-JavaScript browser lands after its pass, to learn whether it kept the clearance cookie. */
    public static final String CHECK_PATH = PREFIX + "check";

    private static final String STYLE = "body{font:16px/1.5 system-ui,sans-serif;max-width:38em;margin:4em auto;padding:0 1em;color:#222}"
            + "h1{font-size:1.5em}progress{width:100%;height:1.2em}code{font-size:1.1em;background:#f2f2f2;padding:.1em .3em}"
            + "button{font:inherit;padding:.3em 1em}";

    private final String contactHtml;
    private final String solutionCookie;
    private final byte[] workerJs = resource("pow-worker.js");
    private final byte[] challengeJs = resource("challenge.js");

    public ChallengePage(String contact, String solutionCookie) {
        this.contactHtml = contact == null || contact.isBlank() ? ""
                : "<p>If this check keeps failing, contact the site's operators: " + escape(contact)
                        + ", and give them the reference below.</p>\n";
        this.solutionCookie = solutionCookie;
    }

    public byte[] workerJs() {
        return workerJs;
    }

    public byte[] challengeJs() {
        return challengeJs;
    }

    /**
     * The challenge page.
     *
     * @param ticket     the proof-of-work ticket
     * @param bits       its difficulty
     * @param pass       the no-JavaScript pass ticket
     * @param returnTo   the address to come back to (path and query)
     * @param wait       seconds a browser without JavaScript waits
     * @param post       the challenged request was a form submission (its data could not be kept)
     * @param ref        the reference id
     */
    public String html(String ticket, int bits, String pass, String returnTo, long wait, boolean post, CharSequence ref) {
        String passUrl = PASS_PATH + "?t=" + pass + "&u=" + URLEncoder.encode(returnTo, StandardCharsets.UTF_8);
        StringBuilder sb = new StringBuilder(2400);
        sb.append("<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">")
                .append("<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\">")
                .append("<meta name=\"robots\" content=\"noindex\">")
                .append("<title>Checking your browser</title>");
        sb.append("<noscript><meta http-equiv=\"refresh\" content=\"").append(wait + 1).append(";url=")
                .append(escape(passUrl)).append("\"><style>#rampart-challenge{display:none}</style></noscript>");
        sb.append("<style>").append(STYLE).append("</style></head>\n<body><main>\n")
                .append("<h1>Checking your browser</h1>\n")
                .append("<p>This site is protecting itself from a flood of automated traffic. ")
                .append("Your browser is doing a short calculation to show it is not part of it. ")
                .append("This happens once, then you go straight on.</p>\n");
        if (post) {
            sb.append("<p><strong>Your form has not been sent.</strong> When the check is done, go back and send it again.</p>\n");
        }
        sb.append("<div id=\"rampart-challenge\" data-ticket=\"").append(ticket).append("\" data-bits=\"").append(bits)
                .append("\" data-cookie=\"").append(solutionCookie).append("\" data-post=\"").append(post ? '1' : '0')
                .append("\">\n<label for=\"rampart-progress\">Progress of the check</label>\n")
                .append("<progress id=\"rampart-progress\" max=\"100\" value=\"0\"></progress>\n")
                .append("<p id=\"rampart-status\" role=\"status\" aria-live=\"polite\">Checking your browser.</p>\n")
                .append("<p id=\"rampart-cookies\" hidden>This site needs one small cookie to remember that your browser ")
                .append("passed the check. Allow cookies for this site, then reload this page.</p>\n")
                .append("<p id=\"rampart-back\" hidden><button type=\"button\" onclick=\"history.back()\">Go back to the form</button></p>\n")
                .append("</div>\n<noscript><p>JavaScript is off, which is fine: you will be taken on in about ")
                .append(wait + 1).append(" seconds. If nothing happens, <a href=\"").append(escape(passUrl))
                .append("\">continue here</a> after that time.</p></noscript>\n");
        sb.append(contactHtml)
                .append("<p>Reference: <code>").append(ref).append("</code></p>\n</main>\n")
                .append("<script src=\"").append(SCRIPT_PATH).append("\"></script>\n")
                .append("</body></html>\n");
        return sb.toString();
    }

    /** The page for a browser that passed the check but did not keep the clearance cookie. */
    public String cookiesRefusedHtml(String returnTo, CharSequence ref) {
        return "<!doctype html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                + "<meta name=\"viewport\" content=\"width=device-width,initial-scale=1\"><meta name=\"robots\" content=\"noindex\">"
                + "<title>Cookies are needed</title><style>" + STYLE + "</style></head>\n<body><main>\n"
                + "<h1>Cookies are needed</h1>\n<p>Your browser passed the check, but it refused the small cookie that lets it "
                + "through. This site is protecting itself from a flood of automated traffic and needs that cookie to "
                + "recognise your browser.</p>\n<p>Allow cookies for this site, then <a href=\"" + escape(returnTo)
                + "\">go back to the page</a>.</p>\n" + contactHtml
                + "<p>Reference: <code>" + ref + "</code></p>\n</main></body></html>\n";
    }

    /** The same challenge for clients that asked for JSON: what to compute and where to send it. */
    public String json(String ticket, int bits, CharSequence ref) {
        return "{\"status\":403,\"error\":\"challenge\",\"message\":\"This site is challenging unknown clients: find n such that "
                + "SHA-256(ticket + '.' + n) starts with " + bits + " zero bits, then repeat the request with the cookie "
                + solutionCookie + "=ticket.n\",\"ticket\":\"" + ticket + "\",\"bits\":" + bits + ",\"ref\":\"" + ref + "\"}\n";
    }

    /** HTML-escapes text for element content and quoted attributes ({@code & < > " '}). */
    public static String escape(String s) {
        StringBuilder sb = new StringBuilder(s.length() + 16);
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '&': sb.append("&amp;"); break;
                case '<': sb.append("&lt;"); break;
                case '>': sb.append("&gt;"); break;
                case '"': sb.append("&quot;"); break;
                case '\'': sb.append("&#39;"); break;
                default: sb.append(c);
            }
        }
        return sb.toString();
    }

    private static byte[] resource(String name) {
        try (InputStream in = ChallengePage.class.getResourceAsStream(name)) {
            if (in == null) {
                throw new IllegalStateException("missing resource " + name);
            }
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}

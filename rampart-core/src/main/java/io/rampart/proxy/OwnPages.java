package io.rampart.proxy;

import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.QueryStringDecoder;
import io.rampart.challenge.ChallengePage;
import io.rampart.challenge.Standing;
import io.rampart.challenge.Tickets;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;

/**
 * Rampart's own addresses under {@code /.rampart/}: the challenge's scripts, the no-JavaScript
 * pass (redeemed after its wait for a clearance) and the check that the clearance cookie came
 * back (so a browser refusing cookies gets a page saying so instead of a redirect loop).
 */
final class OwnPages {
    private OwnPages() {
    }

    static void serve(Exchange x) {
        if (x.request.method() != HttpMethod.GET && x.request.method() != HttpMethod.HEAD) {
            Responder.answer(x, 405, false);
            return;
        }
        QueryStringDecoder q = new QueryStringDecoder(x.target);
        String path = q.path();
        ChallengePage page = x.rt.gatekeeper.page();
        if (ChallengePage.WORKER_PATH.equals(path) || ChallengePage.SCRIPT_PATH.equals(path)) {
            byte[] js = ChallengePage.WORKER_PATH.equals(path) ? page.workerJs() : page.challengeJs();
            boolean keep = x.mayKeep(false);
            Responder.send(x, OwnAnswers.script(js, x.refText(), keep), 200, keep);
        } else if (ChallengePage.PASS_PATH.equals(path)) {
            redeemPass(x, first(q, "t"), first(q, "u"));
        } else if (ChallengePage.CHECK_PATH.equals(path)) {
            checkCookieKept(x, first(q, "u"));
        } else {
            Responder.answer(x, 404, false);
        }
    }

    /** The no-JavaScript path: a pass redeemed after its wait earns a clearance and goes back to where it started. */
    private static void redeemPass(Exchange x, String pass, String returnTo) {
        if (pass == null || !OwnAnswers.isLocalPath(returnTo)) {
            Responder.answer(x, 400, false);
            return;
        }
        String ua = x.userAgent();
        Tickets.Check c = x.rt.gatekeeper.tickets().redeemPass(pass, returnTo, x.rt.gatekeeper.waitSeconds(), x.client, ua);
        if (c == Tickets.Check.FORGED || c == Tickets.Check.MALFORMED) {
            x.rt.metrics.challenge("refused." + c.name().toLowerCase(Locale.ROOT));
            Responder.answer(x, 403, false);
            return;
        }
        if (c.ok()) {
            x.rt.metrics.challenge("no-js-pass");
            String check = ChallengePage.CHECK_PATH + "?u=" + URLEncoder.encode(returnTo, StandardCharsets.UTF_8);
            Responder.redirect(x, check, x.rt.gatekeeper.clearanceCookie(x.client, ua, x.site.name()));
        } else {
            // too early, expired, spent or from elsewhere: back to the page, which challenges afresh
            x.rt.metrics.challenge("refused." + c.name().toLowerCase(Locale.ROOT));
            Responder.redirect(x, returnTo, null);
        }
    }

    /** After a no-JavaScript pass: on to the page if the clearance came back, else say cookies are refused (no loop). */
    private static void checkCookieKept(Exchange x, String returnTo) {
        if (!OwnAnswers.isLocalPath(returnTo)) {
            Responder.answer(x, 400, false);
            return;
        }
        x.rt.gatekeeper.assess(x.request.headers(), x.client, false, x.site.name(), x.standing);
        if (x.standing.basis() == Standing.Basis.CLEARANCE) {
            Responder.redirect(x, returnTo, null);
            return;
        }
        x.rt.metrics.challenge("cookies-refused");
        boolean keep = x.mayKeep(false);
        Responder.send(x, OwnAnswers.cookiesRefused(x.rt.gatekeeper.page().cookiesRefusedHtml(returnTo, x.refText()),
                x.refText(), keep), 403, keep);
    }

    private static String first(QueryStringDecoder q, String name) {
        List<String> v = q.parameters().get(name);
        return v == null || v.isEmpty() ? null : v.get(0);
    }
}

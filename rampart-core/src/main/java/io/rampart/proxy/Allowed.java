package io.rampart.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.rampart.traffic.TrafficRecorder;

/**
 * The request passed every check: it is recorded as allowed (known or not, for the detector's
 * baseline), and Rampart's own cookies (clearance, solution) are taken off it so the origin never
 * sees them. Its verdict is counted when its fate is known ({@link Exchange#count}): forwarded or
 * answered ({@code allow}), or refused for want of an origin slot ({@code origin_busy}).
 */
final class Allowed implements Step {
    @Override
    public Outcome apply(Exchange x) {
        if (x.standing.carriesOurCookies()) {
            HttpHeaders h = x.request.headers();
            String rest = x.rt.gatekeeper.withoutOurCookies(h.get(HttpHeaderNames.COOKIE));
            if (rest == null) {
                h.remove(HttpHeaderNames.COOKIE);
            } else {
                h.set(HttpHeaderNames.COOKIE, rest);
            }
        }
        x.site.recorder().record(x.features, x.standing.known() ? TrafficRecorder.KNOWN : 0, x.standing.person());
        x.allowed = true;
        return Outcome.CONTINUE;
    }
}

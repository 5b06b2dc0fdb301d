package io.rampart.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.challenge.ProofOfWork;
import io.rampart.testing.RawHttp.Response;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** What a browser does with the challenge, for tests over raw sockets: the answer cookie, and the clearance it earns. */
public final class Challenges {
    private static final Pattern TICKET = Pattern.compile("data-ticket=\"([A-Za-z0-9_-]{72})\" data-bits=\"(\\d+)\"");
    private static final Pattern CLEARANCE = Pattern.compile("rampart_clearance=([A-Za-z0-9_-]{72})");

    private Challenges() {
    }

    /** The {@code rampart_pow} cookie that answers the challenge page {@code page}. */
    public static String solution(Response page) {
        Matcher m = TICKET.matcher(page.text());
        assertThat(m.find()).as("a challenge: %s %s", page.status(), page.text()).isTrue();
        return "rampart_pow=" + m.group(1) + "." + ProofOfWork.solve(m.group(1), Integer.parseInt(m.group(2)));
    }

    /** The {@code rampart_clearance} cookie a response sets. */
    public static String clearance(Response r) {
        Matcher m = CLEARANCE.matcher(String.valueOf(r.header("set-cookie")));
        assertThat(m.find()).as("a clearance in %s", r.headers()).isTrue();
        return "rampart_clearance=" + m.group(1);
    }
}

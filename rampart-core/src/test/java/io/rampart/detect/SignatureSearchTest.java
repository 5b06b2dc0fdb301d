package io.rampart.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.config.MitigationStep;
import io.rampart.traffic.FeatureHasher;
import io.rampart.traffic.TrafficRecorder;
import java.util.List;
import org.junit.jupiter.api.Test;

/** The signature search on its own, against a baseline learned tick by tick. */
class SignatureSearchTest {
    private final TrafficRecorder recorder = new TrafficRecorder();
    private final Traffic traffic = new Traffic(new FeatureHasher(5), null);
    private final SignatureSearch search = new SignatureSearch(0.01, 0.05);

    private TrafficRecorder.Tick drain() {
        TrafficRecorder.Tick t = new TrafficRecorder.Tick();
        recorder.drain(t);
        return t;
    }

    /** Ten seconds of a start-up burst (readers only, 900/s), then twenty of normal traffic with the app's polling. */
    private Baseline learnedAfterABurst() {
        Baseline b = new Baseline(3600, 1);
        for (int s = 0; s < 10; s++) {
            traffic.crowdSecond(recorder, 450, s);
            TrafficRecorder.Tick t = drain();
            b.learn(t, t.requests, 20);
        }
        for (int s = 0; s < 20; s++) {
            traffic.normalSecond(recorder, 40);
            TrafficRecorder.Tick t = drain();
            b.learn(t, t.requests, 20);
        }
        return b;
    }

    @Test
    void everyTickWeighsTheSame_soAStartUpBurstDoesNotDrownASteadyFlow() {
        Baseline b = learnedAfterABurst();
        traffic.normalSecond(recorder, 40);
        TrafficRecorder.Tick t = drain();
        long app = t.value(t.sampled - 1, io.rampart.traffic.Dimension.USER_AGENT.ordinal()); // the last sample is an app poll
        // the app is 10 of 90 requests in 20 of 30 ticks: about 7% of the baseline
        assertThat(b.share(io.rampart.traffic.Dimension.USER_AGENT.ordinal(), app)).isBetween(0.05, 0.09);
    }

    @Test
    void normalTrafficAlone_yieldsNoSignature_evenWhenTheSiteIsUnderAttack() {
        Baseline b = learnedAfterABurst();
        traffic.normalSecond(recorder, 40);
        TrafficRecorder.Tick t = drain();
        List<Signature> found = search.search(t, t.requests, b.expectedRate(20), b, null);
        assertThat(found).as(search.lastRefusal).isEmpty();
    }

    @Test
    void aFloodAmongNormalTraffic_yieldsOneClearCutSignature_thatSparesNormalTraffic() {
        Baseline b = learnedAfterABurst();
        traffic.normalSecond(recorder, 40);
        traffic.floodSecond(recorder, 1000, false);
        TrafficRecorder.Tick t = drain();
        List<Signature> found = search.search(t, t.requests, b.expectedRate(20), b, null);
        assertThat(found).hasSize(1);
        Signature s = found.get(0);
        assertThat(s.describe()).contains("fingerprint=").contains("path=/search")
                .as("no 'came without TLS/HTTP2' term: the same bots over HTTPS must still match").doesNotContain("tls=").doesNotContain("h2=");
        assertThat(s.collateral()).isZero();
        assertThat(s.precision()).isGreaterThan(0.95);
        assertThat(s.firstStep()).isEqualTo(MitigationStep.BLOCK);
        assertThat(s.highestStep()).isEqualTo(MitigationStep.CLOSE);
    }

    @Test
    void aTermThatOnlySaysTheRequestCameWithoutTls_isNeverAddedForFree() {
        Baseline b = learnedAfterABurst();
        traffic.normalSecond(recorder, 40);
        for (int i = 0; i < 2000; i++) { // one page, random parameter names, rotating user agents: three real terms
            traffic.send(recorder, traffic.features("100.64." + i / 250 + "." + i % 250, Traffic.botHead(io.netty.handler.codec.http.HttpMethod.GET,
                    "/search?" + traffic.randomWord(6) + "=1", Traffic.BROWSERS.get(i % Traffic.BROWSERS.size()))));
        }
        TrafficRecorder.Tick t = drain();
        List<Signature> found = search.search(t, t.requests, b.expectedRate(20), b, null);
        assertThat(found).as(search.lastRefusal).hasSize(1);
        assertThat(found.get(0).describe()).contains("path=/search").doesNotContain("tls=").doesNotContain("h2=");
    }
}

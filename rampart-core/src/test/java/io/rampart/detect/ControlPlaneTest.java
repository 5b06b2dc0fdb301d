package io.rampart.detect;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.handler.codec.http.HttpMethod;
import io.rampart.config.ConfigLoader;
import io.rampart.config.DetectionConfig;
import io.rampart.config.MitigationStep;
import io.rampart.mitigate.Policy;
import io.rampart.mitigate.PolicyHolder;
import io.rampart.mitigate.Rule;
import io.rampart.mitigate.SitePolicy;
import io.rampart.traffic.FeatureHasher;
import io.rampart.traffic.RequestFeatures;
import io.rampart.traffic.TrafficRecorder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The control plane driven tick by tick with an injected clock and synthetic traffic through the
 * real recorder: detection, signatures, the ladder, flash crowds, repeats, cold start, pins.
 */
class ControlPlaneTest {
    private final MutableClock clock = new MutableClock(Instant.parse("2026-11-20T19:00:00Z"));
    private final TrafficRecorder recorder = new TrafficRecorder();
    private final AtomicBoolean saturated = new AtomicBoolean();
    private final PolicyHolder holder = new PolicyHolder(Policy.quiet(1));
    private final Traffic traffic = new Traffic(new FeatureHasher(42), holder);
    private ControlPlane plane;

    @AfterEach
    void close() {
        if (plane != null) {
            plane.close();
        }
    }

    static DetectionConfig detection(String yaml) throws Exception {
        String text = "sites:\n  - {name: s, hosts: ['*'], upstreams: ['http://127.0.0.1:1']}\ndetection:\n  tick: 1s\n"
                + yaml.indent(2);
        return new ConfigLoader().parse(text, "test.yml").detection();
    }

    private ControlPlane plane(String yaml, StateStore store) throws Exception {
        plane = new ControlPlane(detection(yaml), List.of(new ControlPlane.SiteSpec("s", 0, recorder, saturated::get, null)),
                holder, clock, store, null);
        return plane;
    }

    private ControlPlane plane(String yaml) throws Exception {
        return plane(yaml, StateStore.none());
    }

    private void tick() {
        clock.advance(Duration.ofSeconds(1));
        plane.tick();
    }

    private SiteView site() {
        return plane.view().get(0);
    }

    private void normalSeconds(int n) {
        for (int i = 0; i < n; i++) {
            traffic.normalSecond(recorder, 40);
            tick();
        }
    }

    /** Seconds of a 2,000 req/s bot flood on /search, with the readers' normal 40 req/s alongside, one tick each. */
    private void floodSeconds(int n) {
        for (int i = 0; i < n; i++) {
            traffic.floodSecond(recorder, 2000, false);
            traffic.normalSecond(recorder, 40);
            tick();
        }
    }

    private SitePolicy policy() {
        return holder.get().site(0);
    }

    private RequestFeatures bot() {
        return traffic.features("100.64.3.7", Traffic.botHead(HttpMethod.GET, "/search?q=" + traffic.randomWord(10), Traffic.BROWSERS.get(0)));
    }

    private RequestFeatures reader(String path) {
        return traffic.features("10.1.0.9", Traffic.browserHead(path, Traffic.BROWSERS.get(1)));
    }

    @Test
    void retunedByAReload_shadowAndALowerMaxStep_applyToTheRuleInForceAtOnce() throws Exception {
        plane("");
        normalSeconds(15);
        floodSeconds(2);
        assertThat(policy().match(bot()).step()).isEqualTo(MitigationStep.BLOCK);

        plane.tune(detection("shadow: true"));
        assertThat(policy().match(bot())).as("published without waiting for a tick: counted, not enforced").isNull();
        assertThat(policy().rules()).singleElement().satisfies(r -> assertThat(r.shadow()).isTrue());

        plane.tune(detection("maxStep: limit"));
        Rule limited = policy().match(bot());
        assertThat(limited.shadow()).as("shadow off again").isFalse();
        assertThat(limited.step()).as("stepped down to the new maximum").isEqualTo(MitigationStep.LIMIT);
        floodSeconds(1);
        assertThat(site().rules().get(0).step()).as("and it does not climb back above it").isEqualTo("limit");
    }

    @Test
    void normalEvening_staysNormal_andIsLearned() throws Exception {
        plane("");
        normalSeconds(15);
        assertThat(site().state()).isEqualTo("normal");
        assertThat(site().baselineTicks()).as("the last 2 s wait for learnDelay").isEqualTo(13);
        assertThat(site().normalRate()).isBetween(80.0, 100.0);
        assertThat(policy().hasRules()).isFalse();
    }

    @Test
    void distributedFloodWithABotFingerprint_isBlockedWithinTwoTicks_andReadersAreNot() throws Exception {
        plane("");
        normalSeconds(15);
        floodSeconds(2);
        assertThat(site().state()).isEqualTo("attack");
        assertThat(site().rules()).hasSize(1);
        SiteView.RuleView rule = site().rules().get(0);
        assertThat(rule.conditions()).contains("fingerprint=").contains("path=/search");
        assertThat(rule.step()).isEqualTo("block");
        assertThat(rule.collateral()).isLessThan(0.001);
        Rule matched = policy().match(bot());
        assertThat(matched).isNotNull();
        assertThat(matched.step()).isEqualTo(MitigationStep.BLOCK);
        for (String page : Traffic.PAGES) {
            assertThat(policy().match(reader(page))).as(page).isNull();
        }
        assertThat(policy().match(reader("/search?q=volunteers"))).as("a person searching").isNull();
        assertThat(site().transitions()).anySatisfy(t -> assertThat(t).contains("normal -> ").contains("rate"));
    }

    /** Found in the lab: a burst at start-up filled the baseline, and the mobile app's steady polling later looked novel. */
    @Test
    void burstAtStartUp_doesNotMakeASteadyAppLookLikeAnAttack() throws Exception {
        plane("");
        for (int s = 0; s < 10; s++) {
            traffic.crowdSecond(recorder, 450, s); // a warm-up: 900 requests a second, readers only
            tick();
        }
        normalSeconds(20);
        for (int s = 0; s < 8; s++) {
            traffic.floodSecond(recorder, 1000, false);
            traffic.normalSecond(recorder, 10); // few readers: the app is a large share of what is not the flood
            tick();
        }
        for (int s = 0; s < 6; s++) {
            traffic.normalSecond(recorder, 5);
            tick();
        }
        RequestFeatures app = traffic.features("10.2.0.3", Traffic.apiHead("/api/v1/items"));
        assertThat(policy().match(app)).as(site().events().toString()).isNull();
        assertThat(site().rules()).allSatisfy(r -> assertThat(r.conditions()).doesNotContain("okhttp"));
        assertThat(policy().match(bot())).isNotNull();
    }

    @Test
    void flashCrowdOfNewReaders_isCalledAFlashCrowd_andNothingIsBlocked() throws Exception {
        plane("");
        normalSeconds(15);
        for (int s = 0; s < 10; s++) {
            traffic.crowdSecond(recorder, 600, s);
            traffic.normalSecond(recorder, 40);
            tick();
            assertThat(site().state()).as("second %d: %s", s, site().signals()).isIn("flash-crowd", "normal");
        }
        assertThat(site().state()).isEqualTo("flash-crowd");
        assertThat(policy().hasRules()).isFalse();
        assertThat(policy().challengeUnknown()).isFalse();
    }

    @Test
    void flashCrowdThatStrainsTheOrigin_isStillAFlashCrowd_neverWidened() throws Exception {
        plane("widenAfter: 2s");
        normalSeconds(15);
        saturated.set(true);
        for (int s = 0; s < 8; s++) {
            traffic.crowdSecond(recorder, 600, s);
            traffic.normalSecond(recorder, 40);
            tick();
        }
        assertThat(site().state()).isEqualTo("flash-crowd");
        assertThat(policy().hasRules()).isFalse();
        assertThat(policy().challengeUnknown()).as("a crowd of readers is served, not challenged").isFalse();
    }

    @Test
    void attackerCopyingTheCommonestBrowser_isCaughtOnWhatItDoesNotCopy() throws Exception {
        plane("");
        normalSeconds(15);
        for (int s = 0; s < 3; s++) {
            traffic.floodSecond(recorder, 1500, true);
            traffic.normalSecond(recorder, 40);
            tick();
        }
        assertThat(site().state()).isEqualTo("attack");
        assertThat(site().rules()).isNotEmpty();
        String conditions = site().rules().get(0).conditions();
        assertThat(conditions).as("the fingerprint is a reader's: not enough on its own").contains("path=/search");
        RequestFeatures mimic = traffic.features("100.64.9.7", Traffic.browserHead("/search?q=" + traffic.randomWord(10), Traffic.BROWSERS.get(0)));
        assertThat(policy().match(mimic)).isNotNull();
        for (String page : Traffic.PAGES) {
            assertThat(policy().match(reader(page))).as(page).isNull();
        }
    }

    @Test
    void ruleClimbsTheLadderWhileTheAttackGoesOn_thenStepsDownAndExpires() throws Exception {
        plane("escalateAfter: 3s\nstepDownAfter: 3s\nruleTtl: 4s\nrecoverFor: 2s");
        normalSeconds(15);
        floodSeconds(6);
        assertThat(site().rules().get(0).step()).as(site().events().toString()).isEqualTo("close");
        assertThat(site().events()).anySatisfy(e -> assertThat(e).contains("escalated from block to close"));
        for (int s = 0; s < 6; s++) {
            traffic.normalSecond(recorder, 40);
            tick();
        }
        assertThat(site().events()).anySatisfy(e -> assertThat(e).contains("stepped down from close to block"));
        for (int s = 0; s < 10; s++) {
            traffic.normalSecond(recorder, 40);
            tick();
        }
        assertThat(site().rules()).as("expired").isEmpty();
        assertThat(policy().hasRules()).isFalse();
        assertThat(site().state()).isEqualTo("normal");
        assertThat(site().transitions()).anySatisfy(t -> assertThat(t).contains("attack -> recovering"));
        assertThat(site().transitions()).anySatisfy(t -> assertThat(t).contains("recovering -> normal"));
    }

    @Test
    void sameBotnetTheNextDay_isStoppedOnTheFirstTick_evenAfterARestart(@org.junit.jupiter.api.io.TempDir Path dir) throws Exception {
        plane("ruleTtl: 3s\nrecoverFor: 2s", StateStore.open(dir));
        normalSeconds(15);
        floodSeconds(3);
        assertThat(site().rules()).hasSize(1);
        normalSeconds(20);
        assertThat(site().rules()).isEmpty();
        assertThat(site().remembered()).hasSize(1);
        plane.close();
        assertThat(Files.readString(dir.resolve("detection-state.json"))).contains("\"signatures\"");

        // a restart: a new control plane reads the state back
        StateStore reopened = StateStore.open(dir);
        plane("ruleTtl: 3s\nrecoverFor: 2s", reopened);
        assertThat(site().baselineTicks()).isGreaterThanOrEqualTo(15);
        assertThat(site().remembered()).hasSize(1);
        clock.advance(Duration.ofHours(20));
        normalSeconds(2);
        floodSeconds(1);
        assertThat(site().state()).as("one tick is enough for a known botnet").isEqualTo("attack");
        assertThat(site().rules()).hasSize(1);
        assertThat(site().rules().get(0).repeatOf()).isNotNull();
        assertThat(policy().match(bot())).isNotNull();
    }

    @Test
    void pulseWave_secondPulseMeetsTheRuleAtOnce() throws Exception {
        plane("");
        normalSeconds(15);
        int firstPulseTicks = 0;
        while (!policy().hasRules()) {
            traffic.floodSecond(recorder, 1000, false);
            traffic.normalSecond(recorder, 40);
            tick();
            firstPulseTicks++;
        }
        assertThat(firstPulseTicks).as("first pulse: detected and ruled on the first tick").isEqualTo(1);
        for (int s = 0; s < 5; s++) {
            traffic.floodSecond(recorder, 1000, false);
            traffic.normalSecond(recorder, 40);
            tick();
        }
        normalSeconds(6); // the pause
        assertThat(policy().match(bot())).as("second pulse: refused before any tick").isNotNull();
    }

    @Test
    void aFewRequestsRepeatedIntoTheSample_neverMakeABaselineKnown_soABrowserShapedBurstCannotGetABrowserBlocked() throws Exception {
        plane("");
        for (int i = 0; i < 20; i++) {
            // one visitor, two requests a second: the reservoir fills by repetition, but nothing is known
            traffic.send(recorder, reader("/"));
            traffic.send(recorder, reader("/article/1"));
            tick();
        }
        for (int s = 0; s < 4; s++) {
            traffic.floodSecond(recorder, 1500, true); // popular browsers' exact headers, from 1,500 addresses
            tick();
        }
        assertThat(policy().hasRules()).as("no rule from a baseline of one client: " + site().rules() + " " + site().signals()).isFalse();
        assertThat(site().signals()).contains("still learning");
    }

    @Test
    void aRuleOnAPopularBrowsersSoftwareAlone_mayChallengeButNeverBlock() throws Exception {
        plane("");
        normalSeconds(15);
        for (int s = 0; s < 3; s++) {
            traffic.floodSecond(recorder, 1500, true);
            traffic.normalSecond(recorder, 40);
            tick();
        }
        assertThat(site().rules()).isNotEmpty();
        Baseline b = plane.site("s").baseline;
        RequestFeatures common = reader("/");
        java.util.List<io.rampart.mitigate.Condition> softwareOnly = java.util.List.of(
                io.rampart.mitigate.Condition.of(io.rampart.traffic.Dimension.USER_AGENT,
                        common.value(io.rampart.traffic.Dimension.USER_AGENT), "ua=a reader's browser"),
                io.rampart.mitigate.Condition.of(io.rampart.traffic.Dimension.FINGERPRINT,
                        common.value(io.rampart.traffic.Dimension.FINGERPRINT), "fingerprint=a reader's"));
        assertThat(SignatureSearch.onlyCommonSoftware(softwareOnly, b)).isTrue();
        java.util.List<io.rampart.mitigate.Condition> narrowed = new java.util.ArrayList<>(softwareOnly);
        narrowed.add(io.rampart.mitigate.Condition.of(io.rampart.traffic.Dimension.PATH, common.value(io.rampart.traffic.Dimension.PATH), "path=/"));
        assertThat(SignatureSearch.onlyCommonSoftware(narrowed, b)).as("a narrowing term").isFalse();
        RequestFeatures rare = traffic.features("100.64.1.1", Traffic.botHead(HttpMethod.GET, "/", "python-requests/2.32"));
        assertThat(SignatureSearch.onlyCommonSoftware(java.util.List.of(io.rampart.mitigate.Condition.of(
                io.rampart.traffic.Dimension.USER_AGENT, rare.value(io.rampart.traffic.Dimension.USER_AGENT), "ua=python")), b))
                .as("software normal traffic never uses").isFalse();
    }

    @Test
    void coldStart_deploysNoRule_staticLimitsAloneDefend() throws Exception {
        plane("learnFor: 30s");
        normalSeconds(5);
        for (int s = 0; s < 3; s++) {
            traffic.floodSecond(recorder, 2000, false);
            tick();
        }
        assertThat(policy().hasRules()).isFalse();
        assertThat(site().signals()).contains("still learning");
    }

    @Test
    void inACluster_minRateIsTheClusters_soAFloodSpreadThinlyOverThreeNodesIsSeenOnEach() throws Exception {
        for (double share : new double[] {1.0, 1.0 / 3}) {
            plane("minRate: 20\nsurgeFactor: 1.5\nlearnFor: 10s");
            plane.share(share); // this node sees a third of the cluster's requests
            for (int s = 0; s < 20; s++) {
                traffic.normalSecond(recorder, 0); // the API's 10 polls a second
                tick();
            }
            for (int s = 0; s < 4; s++) {
                traffic.normalSecond(recorder, 0);
                traffic.floodSecond(recorder, 4, false); // 8/s: a third of a 24/s flood; 18/s with the polls, under 20/s
                tick();
            }
            assertThat(site().state()).as("share %.2f: %s", share, site().signals()).isEqualTo(share == 1.0 ? "normal" : "attack");
            plane.close();
            plane = null;
        }
    }

    @Test
    void inACluster_aNodeStillLearning_keepsTheWholeMinRate() throws Exception {
        plane("minRate: 20\nlearnFor: 60s");
        plane.share(1.0 / 3);
        saturated.set(true); // the origin looks strained, as it does on a busy machine at start
        for (int s = 0; s < 5; s++) {
            traffic.normalSecond(recorder, 0);
            traffic.floodSecond(recorder, 4, false); // 18/s, all of it new: under the whole floor, over a third of it
            tick();
        }
        assertThat(site().state()).as(site().signals()).isEqualTo("normal");
    }

    @Test
    void trafficThatRampsUpAfterAQuietStart_isLearnedOnceItHasLastedLearnFor() throws Exception {
        plane("learnFor: 10s");
        for (int s = 0; s < 4; s++) {
            traffic.normalSecond(recorder, 1); // 12/s while the first readers arrive
            tick();
        }
        for (int s = 0; s < 30; s++) {
            traffic.normalSecond(recorder, 70); // then 150/s, and it stays
            tick();
        }
        assertThat(site().signals()).as("not learning for ever").doesNotContain("still learning");
        assertThat(site().normalRate()).isGreaterThan(100);
    }

    /** Normal seconds, then a flood that ramps up: two seconds below the detector's thresholds, then in full. */
    private SiteView.RuleView rampingFloodsRule() {
        normalSeconds(20);
        for (int i = 0; i < 2; i++) { // 20 bots a second next to 40 readers: under the surge factor and the novelty threshold
            for (int b = 0; b < 20; b++) { // from the flood's own networks (100.64-71.x.7, 250 a network)
                String ip = "100." + (64 + b % 8) + "." + (b * 7 % 250) + ".7";
                traffic.send(recorder, traffic.features(ip, Traffic.botHead(HttpMethod.GET, "/search?q=" + traffic.randomWord(10),
                        Traffic.BROWSERS.get(b % Traffic.BROWSERS.size()))));
            }
            traffic.normalSecond(recorder, 40);
            tick();
        }
        assertThat(site().state()).as("the ramp is not called yet").isEqualTo("normal");
        floodSeconds(3);
        assertThat(site().state()).isEqualTo("attack");
        return site().rules().isEmpty() ? null : site().rules().get(0);
    }

    @Test
    void aFloodsFirstSeconds_beforeItIsCalled_areNotLearnedAsNormal() throws Exception {
        plane("learnFor: 10s");
        SiteView.RuleView rule = rampingFloodsRule();
        assertThat(rule).as("a rule for the flood").isNotNull();
        assertThat(rule.step()).isEqualTo("block");
        assertThat(rule.collateral()).as("the ramp never became normal traffic").isLessThan(0.001);
    }

    @Test
    void withoutTheLearningDelay_theRampPoisonsTheBaseline() throws Exception {
        plane("learnFor: 10s\nlearnDelay: 0s");
        SiteView.RuleView rule = rampingFloodsRule();
        assertThat(rule == null || rule.collateral() > 0.005 || !"block".equals(rule.step()))
                .as("the ramp's ticks were learned: the flood's signature looks like normal traffic (rule %s)", rule).isTrue();
    }

    @Test
    void aGatewayStartedBeforeItsSiteHadVisitors_learnsTheFirstRealTraffic() throws Exception {
        plane("learnFor: 10s");
        for (int s = 0; s < 5; s++) {
            tick(); // no visitors yet
        }
        normalSeconds(15);
        assertThat(site().baselineTicks()).as("the quiet start is no normal to call the first readers a surge against")
                .isEqualTo(18); // the last 2 s wait for learnDelay
        assertThat(site().signals()).doesNotContain("still learning");
    }

    /** The origin saturated; readers' own traffic at 20x plus a few novel bots: an attack, but no rule cheap enough for all of it. */
    private void strainedAttackSeconds(int n) {
        saturated.set(true);
        for (int s = 0; s < n; s++) {
            traffic.crowdSecond(recorder, 800, s);
            traffic.floodSecond(recorder, 400, false);
            tick();
        }
    }

    @Test
    void originStrainedUnderAnAttackWithNoUsableSignature_widensToChallengingEveryUnknownClient() throws Exception {
        plane("widenAfter: 3s\nstepDownAfter: 3s\nrecoverFor: 2s");
        normalSeconds(15);
        strainedAttackSeconds(6);
        assertThat(site().state()).isEqualTo("attack");
        assertThat(policy().challengeUnknown()).as(site().events().toString()).isTrue();
        saturated.set(false);
        for (int s = 0; s < 15; s++) {
            traffic.normalSecond(recorder, 40);
            tick();
        }
        assertThat(policy().challengeUnknown()).isFalse();
    }

    /** Issue 17's emergency onboarding: put in front during a flood, with seconds of normal traffic behind it. */
    @Test
    void startedColdIntoAFlood_challengesEveryUnknownClientWithinASecond_andStopsWhenTheFloodDoes() throws Exception {
        plane("learnFor: 10s\nwidenAfter: 5s\nstepDownAfter: 15s");
        normalSeconds(4);
        saturated.set(true);
        int widenedAfter = -1;
        for (int s = 0; s < 6 && widenedAfter < 0; s++) {
            traffic.floodSecond(recorder, 750, false); // 1,500/s of searches from 750 addresses
            traffic.normalSecond(recorder, 40);
            tick();
            if (policy().challengeUnknown()) {
                widenedAfter = s + 1;
            }
        }
        assertThat(site().signals()).contains("still learning");
        assertThat(widenedAfter).as("seconds of flood before every unknown client was challenged (widenAfter is 5 s): %s", site().events())
                .isBetween(1, 3);
        for (int s = 0; s < 5; s++) { // the flood goes on, challenged: the origin is calm, the traffic is not
            saturated.set(false);
            traffic.floodSecond(recorder, 750, false);
            traffic.normalSecond(recorder, 40);
            tick();
        }
        assertThat(policy().challengeUnknown()).as("a flood still arriving keeps the challenge").isTrue();
        int narrowedAfter = -1;
        for (int s = 0; s < 10 && narrowedAfter < 0; s++) {
            traffic.normalSecond(recorder, 40);
            tick();
            if (!policy().challengeUnknown()) {
                narrowedAfter = s + 1;
            }
        }
        assertThat(narrowedAfter).as("seconds after the flood until readers go unchallenged (stepDownAfter is 15 s)").isBetween(1, 3);
    }

    /** The control thread's glances, at {@code nanos}: {@code seconds} of normal traffic, one full tick each. */
    private long glancedNormalSeconds(long nanos, int seconds) {
        for (int i = 0; i < seconds; i++) {
            traffic.normalSecond(recorder, 40);
            clock.advance(Duration.ofSeconds(1));
            nanos += 1_000_000_000L;
            plane.glance(nanos);
        }
        return nanos;
    }

    @Test
    void aFloodHoldingATicksEvidenceInATenthOfASecond_isJudgedAtThatGlance_notAtTheEndOfTheTick() throws Exception {
        plane(""); // tick 1s: glances every 100 ms
        assertThat(plane.glanceNanos()).isEqualTo(100_000_000L);
        long nanos = 5_000_000_000L;
        plane.glance(nanos); // starts the site's clock
        nanos = glancedNormalSeconds(nanos, 15);
        long learned = site().baselineTicks();
        assertThat(site().state()).isEqualTo("normal");
        traffic.floodSecond(recorder, 500, false); // 1,000 bot searches in the first tenth of a tick: 10,000/s
        clock.advance(Duration.ofMillis(100));
        plane.glance(nanos + 100_000_000L);
        assertThat(site().state()).as("judged a tenth of a second into the tick: %s", site().transitions()).isEqualTo("attack");
        assertThat(policy().match(bot())).as("the flood's rule is in force before the tick would have ended").isNotNull();
        assertThat(site().baselineTicks()).as("an early tick is never learned").isEqualTo(learned);
    }

    @Test
    void aFloodOfFourTimesNormal_isJudgedAtTheGlanceWhereTheTickCanNoLongerBeNormal() throws Exception {
        plane("");
        long nanos = 5_000_000_000L;
        plane.glance(nanos);
        nanos = glancedNormalSeconds(nanos, 15); // 90/s: a surge is 270 requests in a tick
        String lastTick = site().signals();
        for (int tenth = 1; tenth <= 7; tenth++) { // 360/s of bot searches, a tenth of a second at a time
            traffic.floodSecond(recorder, 18, false);
            clock.advance(Duration.ofMillis(100));
            plane.glance(nanos + tenth * 100_000_000L);
        }
        assertThat(site().signals()).as("252 requests: the tick could still end normal, so it is not cut short").isEqualTo(lastTick);
        traffic.floodSecond(recorder, 18, false);
        clock.advance(Duration.ofMillis(100));
        plane.glance(nanos + 800_000_000L);
        assertThat(site().state()).as("288 requests: whatever comes next, the tick is a surge; judged now: %s", site().transitions())
                .isEqualTo("suspect");
        assertThat(site().transitions()).anySatisfy(t -> assertThat(t).contains("judged early, 800 ms into the tick"));
    }

    @Test
    void aNormalTicksTrafficArrivingInItsFirstTenth_waitsForTheFullTick() throws Exception {
        plane("");
        long nanos = 5_000_000_000L;
        plane.glance(nanos);
        nanos = glancedNormalSeconds(nanos, 15);
        long ticks = site().baselineTicks();
        String lastTick = site().signals();
        traffic.normalSecond(recorder, 40); // a whole tick's pages and assets in its first tenth: a burst, not a surge
        clock.advance(Duration.ofMillis(100));
        plane.glance(nanos + 100_000_000L);
        assertThat(site().signals()).as("no tick was taken: the last one's signals stand").isEqualTo(lastTick);
        clock.advance(Duration.ofMillis(900));
        nanos += 1_000_000_000L;
        plane.glance(nanos); // the full tick, with the burst in it
        nanos = glancedNormalSeconds(nanos, 4);
        assertThat(site().state()).isEqualTo("normal");
        assertThat(site().baselineTicks()).as("the full ticks are learned (after learnDelay)").isGreaterThan(ticks);
        assertThat(site().transitions()).isEmpty();
    }

    /** Found in the lab (cgnat): with early ticks counted as ticks, a start-up surge could be learned in half of learnFor. */
    @Test
    void aStartUpSurge_isLearnedAfterLearnForOfTime_notOfTicks() throws Exception {
        plane("learnFor: 10s\nlearnDelay: 0s"); // no delay: a tick let through is learned at once
        long nanos = 5_000_000_000L;
        plane.glance(nanos);
        for (int s = 0; s < 6; s++) { // 12/s while the first readers arrive
            traffic.normalSecond(recorder, 1);
            clock.advance(Duration.ofSeconds(1));
            nanos += 1_000_000_000L;
            plane.glance(nanos);
        }
        long learnedQuiet = site().baselineTicks();
        int tenths = 0;
        for (; tenths < 90; tenths++) { // then 380/s, a tenth of a second at a time, glanced at every tenth
            traffic.normalSecond(recorder, 14);
            clock.advance(Duration.ofMillis(100));
            nanos += 100_000_000L;
            plane.glance(nanos);
        }
        assertThat(site().baselineTicks()).as("9 s into the surge (learnFor is 10 s): none of it learned yet").isEqualTo(learnedQuiet);
        for (; tenths < 300; tenths++) {
            traffic.normalSecond(recorder, 14);
            clock.advance(Duration.ofMillis(100));
            nanos += 100_000_000L;
            plane.glance(nanos);
        }
        assertThat(site().baselineTicks()).as("a surge that stays is the site's traffic after learnFor").isGreaterThan(learnedQuiet);
    }

    @Test
    void inShadowMode_wideningIsReportedButNotEnforced() throws Exception {
        plane("widenAfter: 3s\nshadow: true");
        normalSeconds(15);
        strainedAttackSeconds(6);
        assertThat(site().widened()).isTrue();
        assertThat(site().events()).anyMatch(e -> e.contains("protection widened") && e.contains("(shadow: not enforced)"));
        assertThat(policy().challengeUnknown()).as("shadow: nothing enforced").isFalse();
        plane.pin("s", MitigationStep.UNDER_ATTACK);
        tick();
        assertThat(policy().challengeUnknown()).as("the operator's under-attack pin is always enforced").isTrue();
    }

    @Test
    void pinnedSite_holdsEveryRuleAtThePinnedStep() throws Exception {
        plane("escalateAfter: 2s");
        plane.pin("s", MitigationStep.CHALLENGE);
        normalSeconds(15);
        floodSeconds(5);
        assertThat(site().pin()).isEqualTo("challenge");
        assertThat(site().rules()).allSatisfy(r -> assertThat(r.step()).isEqualTo("challenge"));
        assertThat(plane.pin("nope", null)).isFalse();
    }

    @Test
    void oneRule_canBePutInShadowByTheOperator_andBackInForce() throws Exception {
        plane("");
        normalSeconds(15);
        floodSeconds(1);
        String id = site().rules().get(0).id();
        assertThat(plane.shadowRule(id, true)).isTrue();
        assertThat(policy().match(bot())).as("in shadow at once, without waiting for a tick").isNull();
        assertThat(site().rules().get(0).shadow()).isTrue();
        assertThat(site().events()).anySatisfy(e -> assertThat(e).contains("rule " + id + " put in shadow by the operator"));
        assertThat(plane.shadowRule(id, false)).isTrue();
        assertThat(policy().match(bot())).isNotNull();
        assertThat(plane.shadowRule("no-such-rule", true)).isFalse();
    }

    @Test
    void shadowMode_countsMatchesButEnforcesNothing() throws Exception {
        plane("shadow: true");
        normalSeconds(15);
        floodSeconds(2);
        assertThat(site().rules()).hasSize(1);
        assertThat(site().rules().get(0).shadow()).isTrue();
        assertThat(policy().match(bot())).as("counted, not enforced").isNull();
        tick();
        assertThat(site().rules().get(0).matchedTotal()).as("the bot above and the second flood tick").isGreaterThan(4000);
    }
}

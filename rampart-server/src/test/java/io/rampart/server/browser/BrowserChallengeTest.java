package io.rampart.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.TestOrigin;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Cookie;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A real browser against the under-attack switch: headless Chromium (Debian's {@code chromium} and
 * {@code chromium-driver}) visits a site on a non-localhost name mapped to loopback — so, as on any
 * plain-HTTP site, it has no {@code crypto.subtle} and must use the page's own SHA-256 — solves the
 * proof of work and lands on the page it asked for. Without JavaScript it goes through the timed
 * fallback; with a forged clearance it is challenged again.
 */
class BrowserChallengeTest {
    private static final String HOST = "campaign.example";
    private static TestOrigin origin;
    private static GatewayFixture gateway;

    @BeforeAll
    static void start() throws Exception {
        origin = new TestOrigin();
        gateway = GatewayFixture.start("""
                listeners: [{address: "127.0.0.1:0"}]
                challenge:
                  difficulty: 16
                  noScriptWait: 1s
                  contact: security@campaign.example
                sites:
                  - name: campaign
                    hosts: [campaign.example]
                    upstreams: [ORIGIN]
                    underAttack: true
                """, origin.url());
    }

    @AfterAll
    static void stop() throws Exception {
        gateway.close();
        origin.close();
    }

    private static ChromeDriver browser(boolean javascript) {
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu",
                "--window-size=1000,800", "--host-resolver-rules=MAP " + HOST + " 127.0.0.1", "--proxy-server=direct://");
        if (!javascript) {
            o.setExperimentalOption("prefs", Map.of("profile.managed_default_content_settings.javascript", 2));
        }
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }

    private static String url(String path) {
        return "http://" + HOST + ":" + gateway.port() + path;
    }

    private static double metric(String outcome) {
        return gateway.gateway.metrics().counterValue("rampart.challenges", "outcome", outcome);
    }

    private static String bodyText(ChromeDriver b) {
        return b.findElement(By.tagName("body")).getText();
    }

    /**
     * Waits until the page's text starts with {@code prefix}. The challenge page replaces itself
     * while the wait polls, so an element found a moment ago may be gone: that is retried.
     */
    private static void awaitPage(ChromeDriver b, String prefix, int seconds) {
        new WebDriverWait(b, Duration.ofSeconds(seconds))
                .ignoring(WebDriverException.class) // a node replaced between find and read: stale, or "does not belong to the document"
                .until(d -> bodyText(b).startsWith(prefix));
    }

    @Test
    void browser_passesTheChallenge_andLandsOnTheOriginalPage_withItsQuery() {
        ChromeDriver b = browser(true);
        try {
            double solvedBefore = metric("solved");
            b.get(url("/echo?article=42&lang=fr"));
            awaitPage(b, "GET /echo?article=42&lang=fr", 30);
            assertThat(b.getCurrentUrl()).isEqualTo(url("/echo?article=42&lang=fr"));
            assertThat(bodyText(b)).doesNotContain("rampart_");
            Cookie clearance = b.manage().getCookieNamed("rampart_clearance");
            assertThat(clearance).isNotNull();
            assertThat(clearance.isHttpOnly()).isTrue();
            assertThat(metric("solved")).isEqualTo(solvedBefore + 1);
            // the clearance holds: the next page comes straight from the origin
            b.get(url("/echo?next=1"));
            assertThat(bodyText(b)).startsWith("GET /echo?next=1");
            assertThat(metric("solved")).isEqualTo(solvedBefore + 1);
            assertThat((Boolean) b.executeScript("return window.isSecureContext")).as("no crypto.subtle here").isFalse();
        } finally {
            b.quit();
        }
    }

    @Test
    void forgedClearance_isChallengedAgain_andTheBrowserSolvesItAgain() {
        ChromeDriver b = browser(true);
        try {
            b.get(url("/echo?first"));
            awaitPage(b, "GET /echo?first", 30);
            Cookie real = b.manage().getCookieNamed("rampart_clearance");
            String v = real.getValue();
            String forged = v.substring(0, 40) + (v.charAt(40) == 'A' ? 'B' : 'A') + v.substring(41);
            b.manage().deleteCookieNamed("rampart_clearance");
            b.manage().addCookie(new Cookie("rampart_clearance", forged, "/"));
            double forgedBefore = metric("refused.forged");
            double solvedBefore = metric("solved");
            b.get(url("/echo?second"));
            awaitPage(b, "GET /echo?second", 30);
            assertThat(metric("refused.forged")).isGreaterThan(forgedBefore);
            assertThat(metric("solved")).as("challenged again, solved again").isEqualTo(solvedBefore + 1);
        } finally {
            b.quit();
        }
    }

    @Test
    void browserWithoutJavaScript_getsThroughTheTimedFallback() throws Exception {
        ChromeDriver b = browser(false);
        try {
            double passesBefore = metric("no-js-pass");
            b.get(url("/echo?nojs=1"));
            assertThat(bodyText(b)).contains("Checking your browser", "JavaScript is off");
            // the picture in docs/images/ comes from here (copied by hand when the page changes)
            Files.write(Path.of("target", "challenge-page.png"), b.getScreenshotAs(OutputType.BYTES));
            awaitPage(b, "GET /echo?nojs=1", 20);
            assertThat(b.getCurrentUrl()).isEqualTo(url("/echo?nojs=1"));
            assertThat(metric("no-js-pass")).isEqualTo(passesBefore + 1);
        } finally {
            b.quit();
        }
    }
}

package io.rampart.server.browser;

import static org.assertj.core.api.Assertions.assertThat;

import io.rampart.testing.GatewayFixture;
import io.rampart.testing.TestCertificates;
import io.rampart.testing.TestOrigin;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.WebDriverException;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * Headless Chromium against an HTTPS site whose certificate comes from a test CA (trusted through
 * its public key, as Chromium allows for tests): it negotiates HTTP/2, is in a secure context, and
 * passes the proof-of-work challenge of an under-attack site over HTTP/2 to land on the page.
 */
class BrowserHttpsTest {
    @TempDir
    Path dir;

    @Test
    void chromium_speaksHttp2OverTls_andPassesTheChallengeThere() throws Exception {
        TestCertificates certs = new TestCertificates(dir);
        Path[] site = certs.leaf("shop", true, "shop.example");
        String spki = TestCertificates.run(dir, "bash", "-c", "openssl x509 -in " + site[0] + " -pubkey -noout | openssl pkey -pubin -outform der"
                + " | openssl dgst -sha256 -binary | base64").out().trim();
        try (TestOrigin origin = new TestOrigin();
             GatewayFixture gw = GatewayFixture.start("listeners:\n  - address: 127.0.0.1:0\n    tls: {certificates: [{cert: " + site[0]
                     + ", key: " + site[1] + "}]}\nchallenge: {difficulty: 14}\n"
                     + "sites:\n  - {name: shop, hosts: [shop.example], upstreams: [ORIGIN], underAttack: true}\n", origin.url())) {
            ChromeOptions o = new ChromeOptions();
            o.setBinary("/usr/bin/chromium");
            o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1000,800",
                    "--host-resolver-rules=MAP shop.example 127.0.0.1", "--proxy-server=direct://",
                    "--ignore-certificate-errors-spki-list=" + spki, "--disable-background-networking", "--disable-component-update",
                    "--disable-sync", "--disable-quic");
            ChromeDriver b = new ChromeDriver(new ChromeDriverService.Builder()
                    .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build(), o);
            try {
                String url = "https://shop.example:" + gw.port() + "/echo?donate=1";
                b.get(url);
                new WebDriverWait(b, Duration.ofSeconds(30)).ignoring(WebDriverException.class) // a node replaced between find and read: stale, or "does not belong to the document"
                        .until(d -> d.findElement(By.tagName("body")).getText().startsWith("GET /echo?donate=1"));
                assertThat(b.getCurrentUrl()).isEqualTo(url);
                assertThat((Boolean) b.executeScript("return window.isSecureContext")).isTrue();
                assertThat(b.executeScript("return performance.getEntriesByType('navigation')[0].nextHopProtocol")).isEqualTo("h2");
                assertThat(b.manage().getCookieNamed("rampart_clearance")).as("the challenge was passed").isNotNull();
                assertThat(gw.gateway.metrics().counterValue("rampart.challenges", "outcome", "solved")).isEqualTo(1);
            } finally {
                b.quit();
            }
        }
    }
}

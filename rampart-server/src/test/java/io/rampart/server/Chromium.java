package io.rampart.server;

import java.util.List;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/** Debian's Chromium under WebDriver for the dashboard tests: headless, no network of its own, a tall window. */
final class Chromium {
    private Chromium() {
    }

    static ChromeDriver start() {
        ChromeOptions o = new ChromeOptions();
        o.setBinary("/usr/bin/chromium");
        o.addArguments("--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--disable-gpu", "--window-size=1280,1400",
                "--proxy-server=direct://", "--disable-background-networking", "--disable-component-update", "--disable-sync");
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(new java.io.File("/usr/bin/chromedriver")).usingAnyFreePort().build();
        return new ChromeDriver(service, o);
    }

    /**
     * The texts of the elements matching {@code css}, read in one script call: the dashboard redraws
     * its tables every second, and reading cell by cell over WebDriver (a round trip each) can
     * take longer than that on a busy machine, so every attempt would meet a replaced, stale cell.
     */
    @SuppressWarnings("unchecked")
    static List<String> texts(WebDriver d, String css) {
        return (List<String>) ((JavascriptExecutor) d).executeScript(
                "return Array.from(document.querySelectorAll(arguments[0]), e => e.innerText.trim());", css);
    }
}

package io.github.redisfilters.demo;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.redisfilters.testing.Http;
import io.github.redisfilters.testing.RedisFixture;
import java.io.File;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.ExpectedConditions;
import org.openqa.selenium.support.ui.Select;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * A person's view of the demo: the landing page in a real headless Chromium (Debian's
 * {@code chromium} and {@code chromium-driver}), clicked through over WebDriver. Every step waits
 * for what the page shows from the real server's answer. Leaves {@code target/demo-page.png}.
 *
 * <p>Without the browser the test is skipped, except under CI ({@code CI=true}), where a missing
 * browser fails it: {@code .ci/run} installs both packages.
 */
class DemoPageIT {
    static final Path CHROMIUM = Path.of(System.getProperty("demo.chromium", "/usr/bin/chromium"));
    static final Path CHROMEDRIVER = Path.of(System.getProperty("demo.chromedriver", "/usr/bin/chromedriver"));
    static final Path SCREENSHOT = Path.of(System.getProperty("demo.screenshot", "target/demo-page.png"));

    @RegisterExtension
    static final RedisFixture REDIS = new RedisFixture();
    static DemoServers servers;
    static ChromeDriver browser;
    static WebDriverWait wait;
    static Path profile;
    /** Held so the level sticks: Selenium warns that it has no CDP classes for this Chromium; the test uses none. */
    static final java.util.logging.Logger CDP_LOG = java.util.logging.Logger.getLogger("org.openqa.selenium.devtools");

    @BeforeAll
    static void start() throws Exception {
        boolean present = Files.isExecutable(CHROMIUM) && Files.isExecutable(CHROMEDRIVER);
        if (!present && "true".equals(System.getenv("CI"))) {
            throw new IllegalStateException(CHROMIUM + " or " + CHROMEDRIVER + " missing: apt-get install chromium chromium-driver");
        }
        Assumptions.assumeTrue(present, "no " + CHROMIUM + " / " + CHROMEDRIVER + ": the browser test of the demo page is skipped");
        servers = DemoServers.start(REDIS.process());
        CDP_LOG.setLevel(java.util.logging.Level.SEVERE);
        profile = Files.createTempDirectory("demo-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
                "--disable-component-update", "--disable-sync", "--no-first-run", "--hide-scrollbars", "--disable-dev-shm-usage", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile()).usingAnyFreePort().build();
        browser = new ChromeDriver(service, options);
        browser.manage().window().setSize(new Dimension(1280, 1000));
        wait = new WebDriverWait(browser, Duration.ofSeconds(30));
    }

    @AfterAll
    static void stop() throws Exception {
        try {
            if (browser != null) {
                browser.quit();
            }
        } finally {
            if (servers != null) {
                servers.close();
            }
            if (profile != null) {
                try (var files = Files.walk(profile)) {
                    files.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
    }

    private static WebElement el(String id) {
        return browser.findElement(By.id(id));
    }

    private static void click(String id) {
        el(id).click();
    }

    private static void awaitText(String id, String text) {
        wait.until(ExpectedConditions.textToBe(By.id(id), text));
    }

    private static void awaitContains(String id, String text) {
        wait.until(ExpectedConditions.textToBePresentInElementLocated(By.id(id), text));
    }

    private static void awaitState(String id, String state) {
        wait.until(ExpectedConditions.attributeToBe(By.id(id), "data-state", state));
    }

    @Test
    void aPersonSeesEveryFilterAtWorkAndCanClickThroughThePage() throws Exception {
        browser.get(servers.jetty("/").toString());
        assertThat(browser.getTitle()).contains("Demo shop");
        awaitText("health", "UP");
        // the page loads the (empty) cart on start: the first /api request of this client
        awaitText("rl-limit", "100");
        awaitText("rl-remaining", "99");
        // rate limit: ten more requests, and the page shows the server's count for this client (127.0.0.1)
        click("burst");
        awaitText("rl-remaining", "89");
        assertThat(el("rl-reset").getText()).startsWith("in ");
        assertThat(browser.findElements(By.cssSelector("#log tr"))).hasSize(10);
        HttpResponse<String> probe = Http.get(servers.jetty("/api/cart"));
        assertThat(probe.headers().firstValue("X-RateLimit-Remaining")).as("the same count the server keeps").hasValue("88");

        // JWT blacklist: log in, ask who I am, log out, and the same token is refused
        click("login");
        awaitState("auth-status", "logged-in");
        assertThat(el("auth-status").getText()).contains("alice");
        awaitText("login-remaining", "4");
        click("whoami");
        awaitContains("me-result", "\"sub\":\"alice\"");
        click("logout");
        awaitState("auth-status", "revoked");
        click("whoami");
        awaitContains("me-result", "401");
        assertThat(el("me-result").getText()).contains("token revoked", "invalid_token");

        // ... and "log out everywhere" revokes a fresh token too
        click("login");
        awaitState("auth-status", "logged-in");
        click("logout-all");
        awaitState("auth-status", "revoked");
        click("whoami");
        awaitContains("me-result", "401");
        click("login");
        awaitState("auth-status", "logged-in");
        awaitText("login-remaining", "2");

        // response cache: the origin renders once, then Redis answers
        new Select(el("product-id")).selectByValue("");
        click("fetch-product");
        awaitText("x-cache", "MISS");
        click("fetch-product");
        awaitText("x-cache", "HIT");
        // creating a product (logged in) purges the cached list
        click("create-product");
        awaitContains("create-result", "Created #");
        click("fetch-product");
        awaitText("x-cache", "MISS");
        awaitContains("product-json", "Milk frother");
        new Select(el("product-id")).selectByValue("3");
        click("fetch-product");
        awaitText("x-cache", "MISS");
        awaitContains("product-json", "Coffee beans 1kg");
        click("fetch-product");
        awaitText("x-cache", "HIT");

        // session cart: items added in the Redis-backed session, read back by a fresh request
        new Select(el("cart-sku")).selectByVisibleText("BEANS-1KG");
        el("cart-qty").clear();
        el("cart-qty").sendKeys("2");
        click("add-to-cart");
        awaitText("cart-total", "2");
        new Select(el("cart-sku")).selectByVisibleText("GRINDER");
        el("cart-qty").clear();
        el("cart-qty").sendKeys("1");
        click("add-to-cart");
        awaitText("cart-total", "3");
        click("reload-cart");
        awaitContains("cart-items", "GRINDER");
        assertThat(el("cart-items").getText()).contains("2 × BEANS-1KG", "1 × GRINDER");

        awaitText("health", "UP");
        saveScreenshot();
    }

    private static void saveScreenshot() throws Exception {
        // the whole page: grow the window to the document's height first
        Number height = (Number) browser.executeScript("return document.documentElement.scrollHeight");
        Number frame = (Number) browser.executeScript("return window.outerHeight - window.innerHeight");
        browser.manage().window().setSize(new Dimension(1280, Math.max(800, height.intValue() + frame.intValue())));
        File shot = browser.getScreenshotAs(OutputType.FILE);
        Files.createDirectories(SCREENSHOT.toAbsolutePath().getParent());
        Files.copy(shot.toPath(), SCREENSHOT, StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(SCREENSHOT)).isGreaterThan(10_000);
    }
}

package io.ringcast.systemtest.sse;

import org.openqa.selenium.Dimension;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.Map;

/**
 * One headless Chromium driven through chromedriver, for the dashboard and browser-client tests: installs Chromium
 * when missing ({@link Chromium}), runs with a throw-away profile, executes scripts and writes full-page screenshots.
 * Not thread-safe: one test thread drives it.
 */
final class HeadlessBrowser implements AutoCloseable
{
    /** Where screenshots go: part of the test output, beside the surefire reports. */
    static final Path SCREENSHOTS = Path.of("target", "screenshots");

    final ChromeDriver driver;
    private final Path profile;

    private HeadlessBrowser(final ChromeDriver driver, final Path profile)
    {
        this.driver = driver;
        this.profile = profile;
    }

    static HeadlessBrowser start(final int width, final int height) throws IOException, InterruptedException
    {
        final Path logs = ShadedJarTest.logDir();
        Chromium.ensureInstalled(logs);
        final Path profile = Files.createTempDirectory("ringcast-chromium-profile");
        final ChromeOptions options = new ChromeOptions().setBinary(Chromium.BROWSER.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            "--hide-scrollbars", "--force-device-scale-factor=1", "--window-size=" + width + "," + height,
            "--user-data-dir=" + profile);
        final ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(Chromium.DRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(logs.resolve("chromedriver-" + System.nanoTime() + ".log").toFile())
            .build();
        return new HeadlessBrowser(new ChromeDriver(service, options), profile);
    }

    Object js(final String script, final Object... args)
    {
        return ((JavascriptExecutor)driver).executeScript(script, args);
    }

    /** Runs {@code script}, which calls {@code arguments[arguments.length - 1](result)} when done. */
    Object jsAsync(final String script, final Object... args)
    {
        return ((JavascriptExecutor)driver).executeAsyncScript(script, args);
    }

    long number(final String script, final Object... args)
    {
        return ((Number)js(script, args)).longValue();
    }

    /**
     * Resizes the window to {@code width}, lets the page lay itself out, then writes a PNG of the whole page (through
     * the DevTools protocol, beyond the viewport) to {@link #SCREENSHOTS}.
     */
    Path screenshot(final String name, final int width) throws IOException
    {
        width(width);
        jsAsync("requestAnimationFrame(() => requestAnimationFrame(arguments[0]));");
        final long height = number("window.scrollTo(0, 0); return Math.ceil(document.documentElement.scrollHeight);");
        final Map<String, Object> shot = driver.executeCdpCommand("Page.captureScreenshot", Map.of(
            "format", "png", "captureBeyondViewport", true,
            "clip", Map.of("x", 0, "y", 0, "width", width, "height", Math.min(8000, height), "scale", 1)));
        Files.createDirectories(SCREENSHOTS);
        final Path file = SCREENSHOTS.resolve(name + ".png");
        Files.write(file, Base64.getDecoder().decode((String)shot.get("data")));
        return file;
    }

    void width(final int width)
    {
        driver.manage().window().setSize(new Dimension(width, 900));
    }

    @Override
    public void close() throws IOException
    {
        driver.quit();
        try (var files = Files.walk(profile))
        {
            files.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        }
    }
}

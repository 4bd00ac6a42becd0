package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import io.ringcast.test.ExternalTools;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless Chromium holds 20 EventSource streams to one origin over HTTP/2 (TLS, ALPN), all receiving; over HTTP/1.1
 * a browser opens at most 6 connections per origin and the seventh stream would wait. The page publishes through
 * {@code fetch} on the same connection. The certificate is self-signed, made for the test with openssl; Chromium runs
 * with {@code --ignore-certificate-errors}. Chromium, chromedriver and openssl are installed when missing.
 */
@Timeout(180)
class Http2BrowserTest
{
    private static final int STREAMS = 20;
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static TestServer server;
    private static ChromeDriver browser;

    @BeforeAll
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    static void startBrowserAndServer() throws Exception
    {
        final Path logs = ShadedJarTest.logDir();
        Chromium.ensureInstalled(logs);
        final Path tls = Files.createTempDirectory("ringcast-h2-browser-tls");
        ExternalTools.selfSignedCertificate(tls, "localhost");
        server = TestServer.start(c -> c.tlsCert(tls.resolve("cert.pem")).tlsKey(tls.resolve("key.pem")));
        final ChromeOptions options = new ChromeOptions().setBinary(Chromium.BROWSER.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            "--ignore-certificate-errors", "--user-data-dir=" + Files.createTempDirectory("ringcast-h2-chromium"));
        browser = new ChromeDriver(new ChromeDriverService.Builder()
            .usingDriverExecutable(Chromium.DRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(logs.resolve("chromedriver-h2.log").toFile())
            .build(), options);
    }

    @AfterAll
    static void stop()
    {
        if (browser != null)
        {
            browser.quit();
        }
        if (server != null)
        {
            server.close();
        }
    }

    private static Object js(final String script)
    {
        return ((JavascriptExecutor)browser).executeScript(script);
    }

    @Test
    void shouldHoldTwentyEventSourcesToOneOriginOverHttp2AllReceiving()
    {
        browser.get("https://127.0.0.1:" + server.port() + "/healthz");
        assertEquals("h2", js("return performance.getEntriesByType('navigation')[0].nextHopProtocol;"),
            "the page came over HTTP/2");
        js("window.h2 = {opens: 0, errors: 0, got: {}, sources: []};" +
            "for (let i = 0; i < " + STREAMS + "; i++) {" +
            "  const es = new EventSource('/events?topic=h2/' + i);" +
            "  es.onopen = () => window.h2.opens++;" +
            "  es.onerror = () => window.h2.errors++;" +
            "  es.onmessage = e => window.h2.got[i] = e.data;" +
            "  window.h2.sources.push(es);" +
            "}");
        Await.until(WAIT, STREAMS + " EventSources open", () -> (Long)js("return window.h2.opens;") == STREAMS,
            () -> "open " + js("return window.h2.opens;") + ", errors " + js("return window.h2.errors;"));
        js("window.h2.published = 0;" +
            "for (let i = 0; i < " + STREAMS + "; i++) {" +
            "  fetch('/publish', {method: 'POST', headers: {'Content-Type': 'application/json'}," +
            "    body: JSON.stringify({topic: 'h2/' + i, data: {n: i}})})" +
            "    .then(r => { if (r.status === 202) window.h2.published++; });" +
            "}");
        Await.until(WAIT, "every publish answered 202", () -> (Long)js("return window.h2.published;") == STREAMS);
        Await.until(WAIT, "an event in every one of the " + STREAMS + " streams",
            () -> (Long)js("return Object.keys(window.h2.got).length;") == STREAMS,
            () -> js("return JSON.stringify(window.h2.got);").toString());
        for (int i = 0; i < STREAMS; i++)
        {
            assertEquals("{\"n\":" + i + "}", js("return window.h2.got[" + i + "];"), "stream " + i);
        }
        assertEquals(0L, js("return window.h2.errors;"));
        js("window.h2.metrics = null; fetch('/metrics').then(r => r.text()).then(t => window.h2.metrics = t);");
        Await.until(WAIT, "/metrics", () -> js("return window.h2.metrics;") != null);
        final String metrics = (String)js("return window.h2.metrics;");
        assertEquals(STREAMS, (int)Api.metric(metrics, "ringcast_streams_open"), "the server holds the streams");
        assertTrue(Api.metric(metrics, "ringcast_http2_connections_total") <= 2,
            "all on one HTTP/2 connection (Chromium may open a second one for the page's own requests): " +
                Api.metric(metrics, "ringcast_http2_connections_total"));
        js("window.h2.sources.forEach(es => es.close());");
    }
}

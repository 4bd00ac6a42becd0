package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.JavascriptExecutor;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Headless Chromium opens the dashboard's console, receives events through its EventSource, loses its connection (a relay in
 * front of the server cuts it, as a restarted balancer or server would) and resumes with Last-Event-ID without a gap.
 * Chromium and chromedriver are installed from Debian when missing; the test fails (never skips) when that fails.
 */
@Timeout(120)
class BrowserTest
{
    private static final Duration WAIT = Duration.ofSeconds(20);
    private static TestServer server;
    private static DroppingProxy proxy;
    private static ChromeDriver browser;
    private static Path profile;

    @BeforeAll
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    static void startBrowserAndServer() throws Exception
    {
        final Path logs = ShadedJarTest.logDir();
        Chromium.ensureInstalled(logs);
        server = TestServer.start(c -> c.retryMs(300));
        proxy = new DroppingProxy(server.port());
        profile = Files.createTempDirectory("ringcast-chromium-profile");
        final ChromeOptions options = new ChromeOptions().setBinary(Chromium.BROWSER.toFile());
        options.addArguments("--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
            "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-dev-shm-usage",
            "--user-data-dir=" + profile);
        final ChromeDriverService service = new ChromeDriverService.Builder()
            .usingDriverExecutable(Chromium.DRIVER.toFile())
            .usingAnyFreePort()
            .withLogFile(logs.resolve("chromedriver.log").toFile())
            .build();
        browser = new ChromeDriver(service, options);
    }

    @AfterAll
    static void stop()
    {
        if (browser != null)
        {
            browser.quit();
        }
        if (proxy != null)
        {
            proxy.close();
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

    private static long received()
    {
        return (Long)js("return window.ringcast.received.length;");
    }

    @SuppressWarnings("unchecked")
    private static List<String> receivedIds()
    {
        return (List<String>)js("return window.ringcast.ids.slice();");
    }

    @Test
    void shouldReceiveEventsInTheDemoPageAndResumeAfterAConnectionDropWithoutAGap()
    {
        final Api api = server.api();
        browser.get("http://127.0.0.1:" + proxy.port() + "/");
        browser.findElement(By.id("topic")).clear();
        browser.findElement(By.id("topic")).sendKeys("browser/t");
        browser.findElement(By.id("connect")).click();
        Await.until(WAIT, "the page's EventSource to open", () -> (Long)js("return window.ringcast.opens;") >= 1);
        Await.until(WAIT, "the stream registered on the server", () -> SlowClientTest.subscriptions(api) >= 1);

        final List<String> published = new ArrayList<>();
        browser.findElement(By.id("pub-topic")).clear();
        browser.findElement(By.id("pub-topic")).sendKeys("browser/t");
        browser.findElement(By.id("pub-data")).clear();
        browser.findElement(By.id("pub-data")).sendKeys("{\"from\":\"the form\"}");
        browser.findElement(By.id("publish")).click();
        Await.until(WAIT, "the form's publish answered 202",
            () -> browser.findElement(By.id("pub-result")).getText().startsWith("202"));
        published.add(browser.findElement(By.id("pub-result")).getAttribute("data-id"));
        for (int i = 1; i < 20; i++)
        {
            published.add(Long.toString(api.publish("browser/t", "{\"n\":" + i + "}")));
        }
        Await.until(WAIT, "20 events in the page", () -> received() >= 20, () -> receivedIds().toString());
        assertEquals(published, receivedIds());
        assertEquals("20", browser.findElement(By.id("count")).getText());
        assertEquals(published.get(19), browser.findElement(By.id("last-id")).getText());

        assertTrue(proxy.dropAll() > 0, "the browser's connection was cut");
        for (int i = 20; i < 40; i++)
        {
            published.add(Long.toString(api.publish("browser/t", "{\"n\":" + i + "}")));
        }
        Await.until(WAIT, "the page to reconnect and catch up", () -> received() >= 40, () -> receivedIds().toString());
        assertTrue((Long)js("return window.ringcast.opens;") >= 2, "the EventSource reconnected");
        assertEquals(published, receivedIds(), "no gap and no duplicate across the drop");
        assertEquals(0L, js("return window.ringcast.resets;"));
        assertTrue(proxy.requestHeads().stream().anyMatch(h -> h.startsWith("GET /events") &&
                h.toLowerCase().contains("last-event-id: " + published.get(19))),
            "the browser resumed with Last-Event-ID " + published.get(19) + ": " + proxy.requestHeads());

        published.add(Long.toString(api.publish("browser/t", "\"live again\"")));
        Await.until(WAIT, "a live event after the resume", () -> received() >= 41);
        assertEquals(published, receivedIds());
    }

    @Test
    void shouldShowEventsOfEveryTypeWithoutBeingToldWhichTypesToExpect()
    {
        final Api api = server.api();
        browser.get("http://127.0.0.1:" + proxy.port() + "/?topic=browser/typed&connect");
        Await.until(WAIT, "the page's stream to take events", () ->
        {
            api.publish("browser/typed", "\"probe\"");
            return received() >= 1;
        });
        final long created = api.publish("browser/typed", "created", "{\"n\":1}", null);
        final long updated = api.publish("browser/typed", "updated", "{\"n\":2}", null);
        final long untyped = api.publish("browser/typed", "{\"n\":3}");
        Await.until(WAIT, "the typed and untyped events in the page",
            () -> receivedIds().containsAll(List.of(Long.toString(created), Long.toString(updated),
                Long.toString(untyped))), () -> receivedIds().toString());
        assertEquals("created", js("return window.ringcast.received.find(e => e.id === '" + created + "').type;"));
        assertEquals("updated", js("return window.ringcast.received.find(e => e.id === '" + updated + "').type;"));
        assertEquals("message", js("return window.ringcast.received.find(e => e.id === '" + untyped + "').type;"));
    }

    @Test
    void shouldKeepAnEventSourceRetryingThroughAFullConnectionTableAndReceiveOnceASlotFrees()
    {
        try (TestServer limited = TestServer.start(c -> c.maxConnections(12).retryMs(300).idleTimeoutMs(200)
            .requestTimeoutMs(300)))
        {
            final String origin = "http://127.0.0.1:" + limited.port();
            // a page of the origin that does not poll (the dashboard at / fetches /stats every second and would
            // compete for the freed slots); its connections close when idle; from then on only the test's connections
            // hold slots, and the test asks with one-shot connections (Connection: close), so that none lingers
            browser.get(origin + "/healthz");
            Await.until(WAIT, "the page's connections closed as idle", () -> metric(limited, "connections_open") <= 1);
            final List<RawHttp> fillers = new ArrayList<>();
            try
            {
                while (true)
                {
                    final RawHttp filler = new RawHttp(limited.port());
                    filler.send("GET /events?topic=filler HTTP/1.1\r\nHost: x\r\nAccept: application/json\r\n\r\n");
                    final String head = filler.readHeaders(Duration.ofSeconds(10));
                    if (head.startsWith("HTTP/1.1 503"))
                    {
                        filler.close();
                        break; // the table is full
                    }
                    assertTrue(head.startsWith("HTTP/1.1 200"), head);
                    fillers.add(filler);
                    assertTrue(fillers.size() <= 12, "the connection limit holds");
                }
                js("window.limited = {refusals: [], opens: 0, messages: []};" +
                    "const es = new EventSource('/events?topic=browser/limited'); window.limitedSource = es;" +
                    "es.addEventListener('error', e => { if (e.data) window.limited.refusals.push(e.data); });" +
                    "es.onopen = () => window.limited.opens++;" +
                    "es.onmessage = e => window.limited.messages.push(e.data);");
                Await.until(WAIT, "two refusals the EventSource survived",
                    () -> (Long)js("return window.limited.refusals.length;") >= 2,
                    () -> js("return JSON.stringify(window.limited);").toString());
                assertTrue(js("return window.limited.refusals[0];").toString()
                    .contains("\"error\":\"too_many_connections\""), js("return window.limited.refusals[0];")
                    .toString());
                assertTrue((Long)js("return window.limitedSource.readyState;") != 2L,
                    "the EventSource is still retrying, not closed for good");

                fillers.remove(0).close();
                fillers.remove(0).close();
                Await.until(WAIT, "the EventSource's retry to get a stream",
                    () -> metric(limited, "engine_subscriptions") >= fillers.size() + 1);
                final String body = "{\"topic\":\"browser/limited\",\"data\":\"through\"}";
                // the count above may still include a closed filler's stream the server has not released yet, so
                // publish until the page's stream, registered by then, receives one
                Await.until(WAIT, "the event in the page", () ->
                {
                    final String answer = oneShot(limited, "POST /publish HTTP/1.1\r\nHost: x\r\n" +
                        "Connection: close\r\nContent-Type: application/json\r\nContent-Length: " + body.length() +
                        "\r\n\r\n" + body);
                    if (answer.startsWith("HTTP/1.1 503") && answer.contains("too_many_connections"))
                    {
                        return false; // a closed filler's connection is not released yet: the table is still full
                    }
                    assertTrue(answer.startsWith("HTTP/1.1 202"), answer);
                    final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(300);
                    while (System.nanoTime() - deadline < 0 && (Long)js("return window.limited.messages.length;") < 1)
                    {
                        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
                    }
                    return (Long)js("return window.limited.messages.length;") >= 1;
                }, () -> js("return JSON.stringify(window.limited);").toString());
                assertEquals("\"through\"", js("return window.limited.messages[0];"));
                js("window.limitedSource.close();");
            }
            finally
            {
                fillers.forEach(RawHttp::close);
            }
        }
    }

    /** @return a metric of {@code server}, read over a connection that closes with the answer; -1 when refused. */
    private static double metric(final TestServer server, final String name)
    {
        final String answer = oneShot(server, "GET /metrics HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        return answer.startsWith("HTTP/1.1 200") ? Api.metric(answer.substring(answer.indexOf("\r\n\r\n") + 4),
            "ringcast_" + name) : -1;
    }

    private static String oneShot(final TestServer server, final String request)
    {
        try (RawHttp http = new RawHttp(server.port()))
        {
            return http.send(request).readToEnd(Duration.ofSeconds(10)).text();
        }
    }
}

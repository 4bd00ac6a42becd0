package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.openqa.selenium.By;
import org.openqa.selenium.WebElement;
import io.ringcast.test.PostgresServer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The dashboard at {@code /} in headless Chromium: its figures and uPlot charts follow the hub as streams open, events
 * flow and a stalled client is cut off; its console shows every event with time, topic, type and a private marker,
 * whatever the type; refusals are shown in place. Screenshots at 1280 and 420 px wide are written to
 * {@code target/screenshots/}.
 */
@Timeout(300)
class DashboardBrowserTest
{
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static TestServer server;
    private static HeadlessBrowser browser;

    @BeforeAll
    @Timeout(value = 900, unit = TimeUnit.SECONDS)
    static void startBrowserAndServer() throws Exception
    {
        server = TestServer.start(c -> c.nodeId("eu-1").queueCapacity(256));
        browser = HeadlessBrowser.start(1280, 900);
    }

    @AfterAll
    static void stop() throws Exception
    {
        if (browser != null)
        {
            browser.close();
        }
        if (server != null)
        {
            server.close();
        }
    }

    @BeforeEach
    void openTheDashboard()
    {
        browser.width(1280);
        browser.driver.get("http://127.0.0.1:" + server.port() + "/");
        Await.until(WAIT, "the dashboard's first sample and its charts",
            () -> browser.number("return window.ringcastDashboard.samples;") >= 1 &&
                (Boolean)browser.js("return !!window.ringcastDashboard.charts.rate;"));
    }

    private WebElement id(final String id)
    {
        return browser.driver.findElement(By.id(id));
    }

    private double tile(final String id)
    {
        final String text = id(id).getText().replace(",", "").replaceAll("[^0-9.]", "");
        return text.isEmpty() ? -1 : Double.parseDouble(text);
    }

    private void type(final String id, final String text)
    {
        id(id).clear();
        id(id).sendKeys(text);
    }

    @Test
    void shouldDrawTheHubsFiguresAndChartsAsEventsFlowAndShowEveryEventInTheConsole() throws Exception
    {
        final Api api = server.api();
        assertEquals("orders/*", id("topic").getAttribute("value"), "the page watches the manual's pattern");
        assertEquals("orders/eu", id("pub-topic").getAttribute("value"), "and publishes to one of its topics");
        assertEquals("eu-1", id("node").getText());
        type("user", "alice");
        id("connect").click();
        Await.until(WAIT, "the console's stream to open", () -> browser.number("return window.ringcast.opens;") >= 1);
        final List<SseStream> watchers = new ArrayList<>();
        for (int i = 0; i < 3; i++)
        {
            watchers.add(api.stream("/events?topic=orders/*"));
        }
        Await.until(WAIT, "4 open streams on the dashboard", () -> tile("t-streams") >= 4,
            () -> id("t-streams").getText());
        Await.until(WAIT, "the streams chart to reach 4",
            () -> browser.number("const d = window.ringcastDashboard.charts.streams.data[1]; " +
                "return d.length ? d[d.length - 1] : 0;") >= 4);

        id("publish").click(); // the form's defaults: orders/eu, type created
        Await.until(WAIT, "the form's publish answered", () -> "202".equals(id("pub-result").getAttribute("data-status")),
            () -> id("pub-result").getText());
        final String fromForm = id("pub-result").getAttribute("data-id");
        final long shipped = api.publish("orders/us", "shipped", "{\"id\":7,\"carrier\":\"DHL\"}", null);
        final long untyped = api.publish("orders/eu", null, "\"plain\"", null);
        final long forAlice = api.publish("orders/eu", "note", "{\"text\":\"only for alice\"}", "alice");
        api.publish("orders/eu", "note", "{\"text\":\"only for bob\"}", "bob");
        Await.until(WAIT, "4 events in the console", () -> browser.number("return window.ringcast.received.length;") >= 4,
            () -> browser.js("return JSON.stringify(window.ringcast.received);").toString());

        assertRow(fromForm, "orders/eu", "created", false, "{\"id\":1,\"total\":42.5}");
        assertRow(Long.toString(shipped), "orders/us", "shipped", false, "{\"id\":7,\"carrier\":\"DHL\"}");
        assertRow(Long.toString(untyped), "orders/eu", "untyped", false, "\"plain\"");
        assertRow(Long.toString(forAlice), "orders/eu", "note", true, "{\"text\":\"only for alice\"}");
        assertEquals(4L, browser.number("return window.ringcast.received.length;"), "bob's private event is not shown");

        final AtomicBoolean publishing = new AtomicBoolean(true);
        final Thread load = new Thread(() ->
        {
            int n = 0;
            while (publishing.get())
            {
                api.publish("orders/eu", "tick", "{\"n\":" + n++ + "}", null);
                LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2)); // a rate the page's own stream follows
            }
        }, "dashboard-load");
        load.start();
        try
        {
            Await.until(WAIT, "publishes/s and deliveries/s on the tiles",
                () -> tile("t-publish") > 0 && tile("t-deliver") > tile("t-publish"),
                () -> id("t-publish").getText() + " / " + id("t-deliver").getText());
            Await.until(WAIT, "the throughput chart to draw non-zero rates",
                () -> (Boolean)browser.js("const d = window.ringcastDashboard.charts.rate.data; " +
                    "return d[1].some(v => v > 0) && d[2].some(v => v > 0);"));
            stallAClientUntilItIsCut(api);
            Await.until(WAIT, "the slow-client cut on the tile and the losses chart",
                () -> tile("t-slow") >= 1 && (Boolean)browser.js(
                    "return window.ringcastDashboard.charts.loss.data[2].some(v => v > 0);"),
                () -> id("t-slow").getText());
            Await.until(WAIT, "a few more samples for the charts",
                () -> browser.number("return window.ringcastDashboard.samples;") >= 8);
        }
        finally
        {
            publishing.set(false);
            load.join();
        }
        assertEquals(1L, browser.number("return document.querySelectorAll('#c-rate canvas').length;"),
            "uPlot drew the throughput chart on a canvas");
        assertEquals("ok", id("health").getText());
        assertLabelsSitAboveTheirInputs();

        final Path wide = browser.screenshot("dashboard-1280", 1280);
        final Path narrow = browser.screenshot("dashboard-420", 420);
        assertTrue(Files.size(wide) > 20_000 && Files.size(narrow) > 20_000, wide + " " + narrow);
        assertTrue(browser.number("return document.documentElement.scrollWidth;") <= 420,
            "nothing overflows a 420 px screen sideways");
        assertLabelsSitAboveTheirInputs();
        watchers.forEach(SseStream::close);
    }

    @Test
    void shouldShowRefusalsInPlaceAndLeaveConnectUsable()
    {
        type("topic", "orders/*/x*");
        id("connect").click();
        Await.until(WAIT, "the refusal shown under the form", () -> id("watch-error").isDisplayed(),
            () -> id("status").getText());
        assertTrue(id("watch-error").getText().startsWith("400 bad_request: "), id("watch-error").getText());
        assertTrue(id("connect").isEnabled(), "Connect stays usable after a refused stream");
        Await.until(WAIT, "the status to say disconnected", () -> id("status").getText().equals("disconnected"));
        assertFalse(id("disconnect").isEnabled());

        type("topic", "orders/*");
        id("connect").click();
        Await.until(WAIT, "the corrected stream to open", () -> id("status").getText().equals("connected"));
        assertFalse(id("watch-error").isDisplayed(), "the error is cleared once the stream opens");

        type("pub-topic", "orders/*");
        id("publish").click();
        Await.until(WAIT, "the refused publish explained", () -> "400".equals(id("pub-result").getAttribute("data-status")));
        assertTrue(id("pub-result").getText().contains("must not contain '*'"), id("pub-result").getText());

        type("pub-topic", "orders/eu");
        type("pub-data", "{not json");
        id("publish").click();
        Await.until(WAIT, "the bad JSON explained", () -> id("pub-result").getText().startsWith("Data is not JSON"));
    }

    @Test
    void shouldShowTheRelaysStateAndLagWhenReplicasRelayThroughPostgres() throws Exception
    {
        final String url = PostgresServer.shared().freshDatabase("dashboard_relay");
        try (TestServer a = TestServer.start(c -> c.nodeId("eu-1").setting("pg-url", url));
             TestServer b = TestServer.start(c -> c.nodeId("us-1").setting("pg-url", url)))
        {
            browser.driver.get("http://127.0.0.1:" + a.port() + "/");
            final AtomicBoolean publishing = new AtomicBoolean(true);
            final Thread load = new Thread(() ->
            {
                int n = 0;
                while (publishing.get())
                {
                    b.api().publish("orders/us", "created", "{\"n\":" + n++ + "}", null);
                    LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
                }
            }, "dashboard-relay-load");
            load.start();
            try
            {
                Await.until(WAIT, "the relay's state on the dashboard",
                    () -> id("t-relay").getText().equals("postgres: ok"), () -> id("t-relay").getText());
                Await.until(WAIT, "the relay lag on its tile and its chart",
                    () -> id("t-lag").getText().endsWith(" ms") && (Boolean)browser.js(
                        "return window.ringcastDashboard.charts.lag.data[1].some(v => v != null);"),
                    () -> id("t-lag").getText());
                assertTrue(id("c-lag").isDisplayed(), "the relay lag chart is shown with a replication");
                Await.until(WAIT, "relayed events counted as published on this node",
                    () -> tile("t-publish") > 0, () -> id("t-publish").getText());
                type("topic", "orders/*");
                id("connect").click();
                Await.until(WAIT, "relayed events in the console",
                    () -> browser.number("return window.ringcast.received.length;") >= 5);
                Await.until(WAIT, "a few samples", () -> browser.number("return window.ringcastDashboard.samples;") >= 6);
            }
            finally
            {
                publishing.set(false);
                load.join();
            }
            browser.js("window.ringcast.client.close();");
            assertTrue(Files.size(browser.screenshot("dashboard-relay-1280", 1280)) > 20_000);
            browser.width(1280);
        }
    }

    @Test
    void shouldAskForTheMetricsTokenWhenTheHubProtectsItsFigures()
    {
        try (TestServer guarded = TestServer.start(c -> c.metricsToken("dashboard-figures-token")))
        {
            browser.driver.get("http://127.0.0.1:" + guarded.port() + "/");
            Await.until(WAIT, "the dashboard to ask for the metrics token", () -> id("figures-auth").isDisplayed());
            assertEquals("figures need the metrics token", id("health").getText());
            type("metrics-token", "dashboard-figures-token");
            id("metrics-token").submit();
            Await.until(WAIT, "the figures once the token is given",
                () -> browser.number("return window.ringcastDashboard.samples;") >= 1, () -> id("health").getText());
            assertEquals("ok", id("health").getText());
            assertFalse(id("figures-auth").isDisplayed());
            browser.js("sessionStorage.clear();");
        }
    }

    private void assertRow(final String eventId, final String topic, final String type, final boolean isPrivate,
        final String data)
    {
        final WebElement row = browser.driver.findElement(By.cssSelector("#events tr[data-id='" + eventId + "']"));
        final List<WebElement> cells = row.findElements(By.tagName("td"));
        assertTrue(cells.get(0).getText().matches("\\d\\d:\\d\\d:\\d\\d\\.\\d{3}"), cells.get(0).getText());
        assertEquals(topic, cells.get(1).getText());
        assertEquals(type, cells.get(2).findElement(By.className("type")).getText());
        assertEquals(isPrivate, !cells.get(2).findElements(By.className("private")).isEmpty(), "private marker");
        assertEquals(data, cells.get(3).getText());
        assertEquals(eventId, cells.get(4).getText());
    }

    private void assertLabelsSitAboveTheirInputs()
    {
        final Object misplaced = browser.js(
            "return Array.from(document.querySelectorAll('label.field')).filter(l => {" +
            "  const label = l.querySelector('span').getBoundingClientRect();" +
            "  const input = l.querySelector('input, textarea').getBoundingClientRect();" +
            "  return !(label.bottom <= input.top + 1 && Math.abs(label.left - input.left) < 2);" +
            "}).map(l => l.textContent.trim());");
        assertEquals(List.of(), misplaced, "labels that wrapped away from their inputs");
    }

    /** A client that stops reading a topic carrying 60 KB events; the hub cuts it off once its queue overflows. */
    private static void stallAClientUntilItIsCut(final Api api) throws Exception
    {
        try (RawHttp stalled = new RawHttp(server.port(), 4096))
        {
            stalled.send("GET /events?topic=bulk/* HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
            assertTrue(stalled.readHeaders(Duration.ofSeconds(10)).startsWith("HTTP/1.1 200"));
            final String bulk = "\"" + "b".repeat(60_000) + "\"";
            Await.until(WAIT, "the stalled client to be cut off", () ->
            {
                for (int i = 0; i < 20; i++)
                {
                    api.publish("bulk/x", bulk);
                }
                return Api.metric(api.get("/metrics").body(), "ringcast_slow_client_disconnects_total") >= 1;
            });
        }
    }
}

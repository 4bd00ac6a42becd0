package io.ringcast.sse;

import io.ringcast.test.Await;
import io.ringcast.test.sse.SseFrame;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The endpoints behind the dashboard and the browser client, against a running server: {@code GET /stats}, the
 * envelope streams ({@code envelope=1}) and the files served from the jar.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DashboardEndpointsTest
{
    private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final List<AutoCloseable> resources = new ArrayList<>();
    private RingcastServer server;

    @AfterEach
    void close() throws Exception
    {
        for (final AutoCloseable r : resources)
        {
            r.close();
        }
        if (server != null)
        {
            server.close();
        }
    }

    private void start(final ServerConfig config)
    {
        server = RingcastServer.start(config.bindAddress("127.0.0.1").port(0));
    }

    private URI uri(final String pathAndQuery)
    {
        return URI.create("http://127.0.0.1:" + server.port() + pathAndQuery);
    }

    private HttpResponse<String> get(final String pathAndQuery, final String... headers) throws Exception
    {
        final HttpRequest.Builder b = HttpRequest.newBuilder(uri(pathAndQuery));
        for (int i = 0; i < headers.length; i += 2)
        {
            b.header(headers[i], headers[i + 1]);
        }
        return client.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    private SseStream stream(final String pathAndQuery) throws Exception
    {
        final SseStream c = SseStream.open(client, uri(pathAndQuery));
        resources.add(c);
        return c;
    }

    private String publish(final String json) throws Exception
    {
        final HttpResponse<String> r = client.send(HttpRequest.newBuilder(uri("/publish"))
            .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build(),
            HttpResponse.BodyHandlers.ofString());
        assertEquals(202, r.statusCode(), r.body());
        return r.body().replaceAll("\\{\"id\":\"(\\d+)\"}", "$1");
    }

    private static long field(final String json, final String name)
    {
        final Matcher m = Pattern.compile("\"" + name + "\":(-?\\d+)").matcher(json);
        assertTrue(m.find(), name + " in " + json);
        return Long.parseLong(m.group(1));
    }

    private static void await(final BooleanSupplier condition, final String what)
    {
        Await.until(Duration.ofSeconds(10), what, condition);
    }

    @Test
    void shouldReportStreamsAndCumulativeCountersAsJsonInStats() throws Exception
    {
        start(new ServerConfig().nodeId("dash"));
        final HttpResponse<String> before = get("/stats");
        assertEquals(200, before.statusCode());
        assertEquals("application/json; charset=utf-8", before.headers().firstValue("content-type").orElseThrow());
        assertTrue(before.body().contains("\"node\":\"dash\",\"status\":\"ok\""), before.body());
        assertTrue(before.body().contains("\"replication\":null"), before.body());
        assertEquals(0, field(before.body(), "streams"));

        final SseStream events = stream("/events?topic=orders/*");
        await(() -> server.engine().metrics().activeSubscriptions() >= 1, "the stream registered");
        publish("{\"topic\":\"orders/eu\",\"data\":1}");
        publish("{\"topic\":\"orders/us\",\"data\":2}");
        events.events(2);
        final String after = get("/stats").body();
        assertEquals(1, field(after, "streams"));
        assertEquals(2, field(after, "published"));
        assertEquals(2, field(after, "delivered"));
        assertEquals(0, field(after, "dropped"));
        assertEquals(0, field(after, "slowClientDisconnects"));
        assertTrue(field(after, "timeMs") >= field(before.body(), "timeMs"), after);
    }

    @Test
    void shouldReportTheReplicationsHealthAndItsMetricsByNameInStatsToTheMetricsTokenOnly() throws Exception
    {
        start(new ServerConfig().nodeId("n1").setting("fake-replication", "on").metricsToken("figures-0123456789"));
        final HttpResponse<String> anonymous = get("/stats");
        assertEquals(401, anonymous.statusCode());
        assertTrue(anonymous.body().contains("--metrics-token"), anonymous.body());
        final String stats = get("/stats", "Authorization", "Bearer figures-0123456789").body();
        assertTrue(stats.contains("\"status\":\"degraded\""), stats);
        assertTrue(stats.contains("\"replication\":{\"provider\":\"fake\",\"state\":\"degraded\",\"ok\":false," +
            "\"detail\":\"peer unreachable\",\"metrics\":{\"relay_written_total\":7,\"relay_lag_seconds\":0.25}}"), stats);
    }

    @Test
    void shouldLeaveOutTheReplicationsDetailWithoutAMetricsToken() throws Exception
    {
        start(new ServerConfig().nodeId("n1").setting("fake-replication", "on"));
        final String stats = get("/stats").body();
        assertTrue(stats.contains("\"state\":\"degraded\",\"ok\":false,\"detail\":null,"), stats);
        assertEquals(200, get("/stats", "Authorization", "Bearer anything").statusCode());
    }

    @Test
    void shouldShowEachEventsTopicTypeAndPrivacyToAnEnvelopeStreamOnAPrefix() throws Exception
    {
        start(new ServerConfig());
        final SseStream events = stream("/events?topic=orders/*&envelope=1&user=alice");
        final SseStream plain = stream("/events?topic=orders/*");
        await(() -> server.engine().metrics().activeSubscriptions() >= 2, "the streams registered");
        final String eu = publish("{\"topic\":\"orders/eu\",\"type\":\"created\",\"data\":{\"a\":1,\n\"b\":2}}");
        final String us = publish("{\"topic\":\"orders/us\",\"user\":\"alice\",\"data\":\"for alice\"}");

        final SseFrame first = events.nextEvent();
        assertEquals(eu, first.id());
        assertFalse(first.hadType(), "an envelope frame has no event: line, so EventSource hands it to onmessage");
        final Matcher time = Pattern.compile("\"time\":(\\d+)").matcher(first.data());
        assertTrue(time.find(), first.data());
        assertEquals("{\"id\":\"" + eu + "\",\"topic\":\"orders/eu\",\"type\":\"created\",\"time\":" + time.group(1) +
            ",\"private\":false,\"data\":{\"a\":1,\n\"b\":2}}", first.data());
        final SseFrame second = events.nextEvent();
        assertEquals(us, second.id());
        assertTrue(second.data().contains("\"topic\":\"orders/us\",\"type\":null,") &&
            second.data().endsWith(",\"private\":true,\"data\":\"for alice\"}"), second.data());

        final SseFrame unchanged = plain.nextEvent();
        assertEquals("created", unchanged.type());
        assertEquals("{\"a\":1,\n\"b\":2}", unchanged.data(), "streams without envelope=1 are unchanged");
    }

    @Test
    void shouldRefuseAnUnknownEnvelopeValueWith400() throws Exception
    {
        start(new ServerConfig());
        final HttpResponse<String> r = get("/events?topic=a&envelope=yes");
        assertEquals(400, r.statusCode());
        assertTrue(r.body().contains("invalid 'envelope' parameter 'yes'"), r.body());
    }

    @Test
    void shouldServeTheDashboardTheClientModuleAndTheChartLibraryWithItsLicence() throws Exception
    {
        start(new ServerConfig());
        final HttpResponse<String> page = get("/");
        assertEquals(200, page.statusCode());
        assertTrue(page.body().contains("/assets/uplot/uPlot.iife.min.js"), page.body());
        final HttpResponse<String> module = get("/ringcast.js");
        assertEquals("text/javascript; charset=utf-8", module.headers().firstValue("content-type").orElseThrow());
        assertTrue(module.body().contains("export class Ringcast"), module.body());
        final HttpResponse<String> uplot = get("/assets/uplot/uPlot.iife.min.js");
        assertEquals(200, uplot.statusCode());
        assertTrue(uplot.body().contains("uPlot"));
        assertTrue(get("/assets/uplot/LICENSE").body().contains("MIT License"));
        assertEquals(200, get("/assets/dashboard.js").statusCode());
        assertEquals(200, get("/assets/dashboard.css").statusCode());
        assertEquals(404, get("/assets/other.js").statusCode());
    }

    @Test
    void shouldAnswer304ToARevalidationWithTheCurrentEtag() throws Exception
    {
        start(new ServerConfig());
        final HttpResponse<String> first = get("/ringcast.js");
        final String etag = first.headers().firstValue("etag").orElseThrow();
        assertEquals("no-cache", first.headers().firstValue("cache-control").orElseThrow());
        final HttpResponse<String> again = get("/ringcast.js", "If-None-Match", etag);
        assertEquals(304, again.statusCode());
        assertEquals("", again.body());
        assertEquals(200, get("/ringcast.js", "If-None-Match", "\"other\"").statusCode());
    }
}

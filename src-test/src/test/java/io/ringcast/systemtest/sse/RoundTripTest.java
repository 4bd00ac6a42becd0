package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import io.ringcast.test.sse.SseFrame;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.List;
import java.util.Locale;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class RoundTripTest
{
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static TestServer server;
    private static Api api;

    @BeforeAll
    static void start()
    {
        server = TestServer.start();
        api = server.api();
    }

    @AfterAll
    static void stop()
    {
        server.close();
    }

    @Test
    void shouldDeliverAPublishedEventWithItsIdTypeAndData()
    {
        try (SseStream stream = api.subscribe("rt/a"))
        {
            final String contentType = stream.headers().firstValue("Content-Type").orElse("");
            assertEquals("text/event-stream; charset=utf-8", contentType.toLowerCase(Locale.ROOT).replace(";charset", "; charset"));
            assertEquals("no-cache", stream.headers().firstValue("Cache-Control").orElse(""));
            Await.until(WAIT, "the retry frame", () -> stream.retryMs() >= 0, stream::describe);

            final long id = api.publish("rt/a", "greeting", "{\"hello\":\"world\"}", null);

            final SseFrame frame = stream.awaitFrames(1, WAIT).frames().get(0);
            assertEquals(id, frame.numericId());
            assertTrue(frame.hadId());
            assertEquals("greeting", frame.type());
            assertEquals("{\"hello\":\"world\"}", frame.data());
        }
    }

    @Test
    void shouldSendTheRetryFrameBeforeAnyEvent()
    {
        try (SseStream stream = api.subscribe("rt/retry"))
        {
            Await.until(WAIT, "the retry frame", () -> stream.retryMs() >= 0, stream::describe);
            assertEquals(0, stream.frameCount());
            assertEquals(2000, stream.retryMs());
        }
    }

    @Test
    void shouldSplitMultiLineDataIntoSeveralDataLinesThatRejoinExactly()
    {
        try (SseStream stream = api.subscribe("rt/multi"))
        {
            api.publish("rt/multi", "{\n  \"a\": 1,\n  \"b\": [1,\n 2]\n}");
            api.publish("rt/multi", "{\r\n\"crlf\": true\r}");
            api.publish("rt/multi", "\"a string with \\n escaped newline\"");

            final List<SseFrame> frames = stream.awaitFrames(3, WAIT).frames();
            assertEquals("{\n  \"a\": 1,\n  \"b\": [1,\n 2]\n}", frames.get(0).data());
            assertEquals("{\n\"crlf\": true\n}", frames.get(1).data(), "CR and CRLF become line ends, as in a browser");
            assertEquals("\"a string with \\n escaped newline\"", frames.get(2).data());
            assertEquals("message", frames.get(0).type());
        }
    }

    @Test
    void shouldDeliverEventsUnderAPrefixTopicOnly()
    {
        try (SseStream stream = api.subscribe("orders/*"))
        {
            final long a = api.publish("orders/1", "1");
            final long b = api.publish("orders/eu/2", "2");
            api.publish("order/3", "3");
            api.publish("ordersx/4", "4");
            api.publish("other/5", "5");
            final long end = api.publish("orders/end", "6");

            Await.until(WAIT, "the last event", () -> stream.lastFrame() != null &&
                stream.lastFrame().numericId() == end, stream::describe);
            assertEquals(List.of(a, b, end), stream.frames().stream().map(SseFrame::numericId).toList());
        }
    }

    @Test
    void shouldMergeSeveralTopicsOnOneStreamInPublishOrder()
    {
        try (SseStream stream = api.subscribe("rt/x", "rt/y"))
        {
            final long x = api.publish("rt/x", "1");
            api.publish("rt/z", "2");
            final long y = api.publish("rt/y", "3");

            stream.awaitFrames(2, WAIT);
            assertEquals(List.of(x, y), stream.frames().stream().map(SseFrame::numericId).toList());
        }
    }

    @Test
    void shouldPublishAnNdjsonBatchWithConsecutiveIdsInOrder()
    {
        try (SseStream stream = api.subscribe("rt/batch"))
        {
            final String body = Api.eventJson("rt/batch", "t", "{\"n\":1}", null) + "\n" +
                Api.eventJson("rt/batch", null, "[2]", null) + "\n" +
                Api.eventJson("rt/batch", "t", "3", null) + "\n";
            final Api.Reply reply = api.post("/publish", "application/x-ndjson", body);
            assertEquals(202, reply.status(), reply.toString());
            final List<Long> ids = Api.jsonStrings(reply.body()).stream().map(Long::parseLong).toList();
            assertEquals(3, ids.size(), reply.toString());
            assertEquals(ids.get(0) + 1, ids.get(1));
            assertEquals(ids.get(0) + 2, ids.get(2));

            final List<SseFrame> frames = stream.awaitFrames(3, WAIT).frames();
            assertEquals(ids, frames.stream().map(SseFrame::numericId).toList());
            assertEquals(List.of("{\"n\":1}", "[2]", "3"), frames.stream().map(SseFrame::data).toList());
        }
    }

    @Test
    void shouldAnswerHealthzWithJsonAndMetricsInPrometheusText()
    {
        final Api.Reply health = api.get("/healthz");
        assertEquals(200, health.status(), health.toString());
        assertTrue(health.header("Content-Type").startsWith("application/json"), health.header("Content-Type"));
        Api.jsonField(health.body(), "status");

        api.publish("rt/metrics", "1");
        final Api.Reply metrics = api.get("/metrics");
        assertEquals(200, metrics.status());
        assertTrue(metrics.header("Content-Type").startsWith("text/plain"), metrics.header("Content-Type"));
        assertTrue(metrics.body().contains("# TYPE"), metrics.body());
        assertTrue(Api.metric(metrics.body(), "ringcast_publish_events_total") >= 1, metrics.body());
        assertTrue(Api.metric(metrics.body(), "ringcast_engine_published_total") >= 1, metrics.body());
    }

    @Test
    void shouldServeTheDashboardAndTheBrowserClientThatUsesEventSource()
    {
        final Api.Reply page = api.get("/");
        assertEquals(200, page.status());
        assertTrue(page.header("Content-Type").startsWith("text/html"), page.header("Content-Type"));
        assertTrue(page.body().contains("/assets/dashboard.js"), "the dashboard loads its script");
        final Api.Reply client = api.get("/ringcast.js");
        assertEquals(200, client.status());
        assertTrue(client.body().contains("new EventSource("), "the browser client opens an EventSource");
    }
}

package io.ringcast.systemtest.sse;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(90)
class SlowClientTest
{
    private static final int HEALTHY = 100;
    private static final int EVENTS = 2_000;
    private static final int BATCH = 10;

    @Test
    void shouldCutOffAStalledClientWhileAHundredHealthyOnesReceiveEverything() throws Exception
    {
        try (TestServer server = TestServer.start(c -> c.queueCapacity(256)))
        {
            final Api api = server.api();
            final List<SseStream> healthy = new ArrayList<>();
            for (int i = 0; i < HEALTHY; i++)
            {
                healthy.add(api.stream("/events?topic=slow/t"));
            }
            for (final SseStream s : healthy)
            {
                assertEquals(200, s.status(), s.describe());
            }
            try (RawHttp stalled = new RawHttp(server.port(), 4096))
            {
                stalled.send("GET /events?topic=slow/t HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
                assertTrue(stalled.readHeaders(Duration.ofSeconds(10)).startsWith("HTTP/1.1 200"));
                Await.until(Duration.ofSeconds(10), "all streams registered",
                    () -> openStreams(api) >= HEALTHY + 1, () -> "open streams " + openStreams(api));

                final String padding = "p".repeat(500);
                final List<Long> published = new ArrayList<>();
                for (int sent = 0; sent < EVENTS; sent += BATCH)
                {
                    final StringBuilder body = new StringBuilder();
                    for (int i = 0; i < BATCH; i++)
                    {
                        body.append(Api.eventJson("slow/t", null,
                            "{\"n\":" + (sent + i) + ",\"pad\":\"" + padding + "\"}", null)).append('\n');
                    }
                    final Api.Reply reply = api.post("/publish", "application/x-ndjson", body.toString());
                    assertEquals(202, reply.status(), reply.toString());
                    Api.jsonStrings(reply.body()).forEach(id -> published.add(Long.parseLong(id)));
                    Thread.sleep(10); // paces the publisher to a rate healthy clients sustain, not a wait for state
                }

                for (final SseStream s : healthy)
                {
                    s.awaitFrames(EVENTS, Duration.ofSeconds(30));
                    assertEquals(published, s.frames().stream().map(SseFrame::numericId).toList(), s.label());
                    assertEquals(SseStream.End.OPEN, s.end(), "a healthy stream stays open: " + s.describe());
                }

                final RawHttp.Read rest = stalled.readToEnd(Duration.ofSeconds(20));
                assertTrue(rest.endOfStream(), "the server cut off the stalled client");
                assertTrue(rest.text().length() < EVENTS * 500,
                    "the stalled client did not get everything: " + rest.text().length() + " bytes");
                final String metrics = api.get("/metrics").body();
                assertTrue(slowDisconnects(metrics) >= 1, "a slow-client disconnect counted:\n" + metrics);
            }
            healthy.forEach(SseStream::close);
        }
    }

    static double openStreams(final Api api)
    {
        final String metrics = api.get("/metrics").body();
        return Api.metric(metrics, "ringcast_sse_streams_open");
    }

    static double slowDisconnects(final String metrics)
    {
        return Api.metric(metrics, "ringcast_sse_slow_client_disconnects_total");
    }
}

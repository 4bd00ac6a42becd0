package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import io.ringcast.test.sse.SseFrame;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A client that stops reading (4 KiB receive buffer) is cut off by the server on its own (no help from the client),
 * while 100 healthy streams keep receiving every event. The stalled client reads a prefix topic that also carries
 * bulk 60 KB events, so its connection stalls after a few MB (loopback send buffers autotune to ~1-3 MB), and then
 * small events overflow its 1,024-event queue, without pushing hundreds of MB through the healthy clients.
 */
@Timeout(90)
class SlowClientTest
{
    private static final int HEALTHY = 100;
    private static final int ROUNDS = 100;
    private static final int BATCH = 20;

    @Test
    void shouldCutOffAStalledClientWhileAHundredHealthyOnesReceiveEverything() throws Exception
    {
        try (TestServer server = TestServer.start(c -> c.queueCapacity(1024)))
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
                stalled.send("GET /events?topic=slow/* HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n");
                assertTrue(stalled.readHeaders(Duration.ofSeconds(10)).startsWith("HTTP/1.1 200"));
                Await.until(Duration.ofSeconds(10), "all streams registered",
                    () -> subscriptions(api) >= HEALTHY + 1, () -> "subscriptions " + subscriptions(api));
                final double connectionsBefore = Api.metric(api.get("/metrics").body(), "ringcast_connections_open");

                final String bulk = "\"" + "b".repeat(60_000) + "\"";
                final List<Long> published = new ArrayList<>();
                int bulkEvents = 0;
                for (int round = 0; round < ROUNDS; round++)
                {
                    final StringBuilder body = new StringBuilder();
                    for (int i = 0; i < BATCH; i++)
                    {
                        body.append(Api.eventJson("slow/t", null, "{\"n\":" + (round * BATCH + i) + "}", null))
                            .append('\n');
                    }
                    final Api.Reply reply = api.post("/publish", "application/x-ndjson", body.toString());
                    assertEquals(202, reply.status(), reply.toString());
                    Api.jsonStrings(reply.body()).forEach(id -> published.add(Long.parseLong(id)));
                    if (slowDisconnects(api.get("/metrics").body()) < 1)
                    {
                        for (int i = 0; i < 2; i++)
                        {
                            api.publish("slow/bulk", bulk);
                            bulkEvents++;
                        }
                        final StringBuilder small = new StringBuilder();
                        for (int i = 0; i < 200; i++)
                        {
                            small.append(Api.eventJson("slow/bulk", null, "0", null)).append('\n');
                        }
                        assertEquals(202, api.post("/publish", "application/x-ndjson", small.toString()).status());
                    }
                    Thread.sleep(5); // paces the publisher to a rate healthy clients sustain, not a wait for state
                }
                final int bulkSent = bulkEvents;
                Await.until(Duration.ofSeconds(20), "a slow-client disconnect counted",
                    () -> slowDisconnects(api.get("/metrics").body()) >= 1,
                    () -> bulkSent + " bulk events of 60 KB sent");

                for (final SseStream s : healthy)
                {
                    s.awaitFrames(published.size(), Duration.ofSeconds(30));
                    assertEquals(published, s.frames().stream().map(SseFrame::numericId).toList(), s.label());
                    assertEquals(SseStream.End.OPEN, s.end(), "a healthy stream stays open: " + s.describe());
                }

                Await.until(Duration.ofSeconds(20),
                    "the server to close the stalled connection while the client still reads nothing",
                    () -> Api.metric(api.get("/metrics").body(), "ringcast_connections_open") <= connectionsBefore - 1,
                    () -> "connections open " + Api.metric(api.get("/metrics").body(), "ringcast_connections_open") +
                        ", before " + connectionsBefore);
                assertEquals(1, slowDisconnects(api.get("/metrics").body()), () -> "only the stalled client was cut off; " +
                    "healthy streams not open: " + healthy.stream().filter(s -> s.end() != SseStream.End.OPEN)
                    .map(SseStream::describe).toList() + "\n" + api.get("/metrics").body());
                final RawHttp.Read rest = stalled.readToEnd(Duration.ofSeconds(20));
                assertTrue(rest.endOfStream(), "the stalled client's connection ends");
                assertTrue(rest.text().length() < bulkSent * 60_000L, "the stalled client did not get everything: " +
                    rest.text().length() + " bytes of " + bulkSent * 60_000L);
            }
            healthy.forEach(SseStream::close);
        }
    }

    /** @return subscriptions the engine has registered: a stream receives events published after it counts. */
    static double subscriptions(final Api api)
    {
        return Api.metric(api.get("/metrics").body(), "ringcast_engine_subscriptions");
    }

    static double slowDisconnects(final String metrics)
    {
        return Api.metric(metrics, "ringcast_slow_client_disconnects_total");
    }
}

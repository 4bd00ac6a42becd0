package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import io.ringcast.test.sse.SseFrame;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The two 503s: ring full and connection limit, each with Retry-After, losing nothing that was accepted. */
@Timeout(60)
class LimitsTest
{
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void shouldAnswer503WithRetryAfterWhenTheConnectionLimitIsReached()
    {
        try (TestServer server = TestServer.start(c -> c.maxConnections(3)))
        {
            final Api api = server.api();
            final List<SseStream> streams = new ArrayList<>();
            for (int i = 0; i < 3; i++)
            {
                final SseStream stream = api.stream("/events?topic=limit/conn");
                assertEquals(200, stream.status(), stream.describe());
                streams.add(stream);
            }
            final Api.Reply refused = api.get("/healthz");
            assertEquals(503, refused.status(), refused.toString());
            assertNotNull(refused.header("Retry-After"), "Retry-After on " + refused);
            assertNotNull(refused.jsonField("error"), refused.body());

            streams.get(0).close();
            Await.until(WAIT, "a connection slot to free up", () -> api.get("/healthz").status() == 200);
            streams.forEach(SseStream::close);
        }
    }

    @Test
    void shouldAnswer503WithRetryAfterWhenTheRingIsFullAndDeliverEverythingAccepted() throws Exception
    {
        try (TestServer server = TestServer.start(c -> c.ringSize(2).queueCapacity(1 << 16)))
        {
            final Api api = server.api();
            final SseStream stream = api.subscribe("limit/ring");
            final Set<Long> accepted = ConcurrentHashMap.newKeySet();
            final AtomicReference<Api.Reply> refusal = new AtomicReference<>();
            final AtomicBoolean stop = new AtomicBoolean();
            final String batch = Api.eventJson("limit/ring", null, "1", null) + "\n" +
                Api.eventJson("limit/ring", null, "2", null) + "\n";
            final CountDownLatch done = new CountDownLatch(4);
            for (int t = 0; t < 4; t++)
            {
                final Thread publisher = new Thread(() ->
                {
                    try
                    {
                        while (!stop.get())
                        {
                            final Api.Reply reply = api.post("/publish", "application/x-ndjson", batch);
                            if (reply.status() == 202)
                            {
                                Api.jsonStrings(reply.body()).forEach(id -> accepted.add(Long.parseLong(id)));
                            }
                            else
                            {
                                refusal.compareAndSet(null, reply);
                            }
                        }
                    }
                    finally
                    {
                        done.countDown();
                    }
                }, "ring-filler-" + t);
                publisher.start();
            }
            try
            {
                Await.until(WAIT, "a publish refused because the ring is full", () -> refusal.get() != null,
                    () -> accepted.size() + " events accepted");
            }
            finally
            {
                stop.set(true);
                done.await();
            }
            final Api.Reply reply = refusal.get();
            assertEquals(503, reply.status(), reply.toString());
            assertNotNull(reply.header("Retry-After"), "Retry-After on " + reply);
            assertNotNull(reply.jsonField("error"), reply.body());

            Await.until(WAIT, "every accepted event on the stream", () -> stream.frameCount() >= accepted.size(),
                stream::describe);
            final Set<Long> delivered = stream.frames().stream().map(SseFrame::numericId).collect(Collectors.toSet());
            assertEquals(accepted, delivered);
            assertEquals(200, api.get("/healthz").status());
            assertTrue(stream.frameCount() == accepted.size(), "no duplicates");
        }
    }
}

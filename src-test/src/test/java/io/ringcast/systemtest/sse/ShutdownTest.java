package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import io.ringcast.test.sse.SseFrame;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(60)
class ShutdownTest
{
    @Test
    void shouldEndStreamsCleanlyAfterDeliveringEveryAcceptedPublish() throws Exception
    {
        final TestServer server = TestServer.start();
        final Api api = server.api();
        try
        {
            final List<SseStream> streams = new ArrayList<>();
            for (int i = 0; i < 10; i++)
            {
                streams.add(api.subscribe("shutdown/t"));
            }
            final List<Long> accepted = new CopyOnWriteArrayList<>();
            final AtomicBoolean refused = new AtomicBoolean();
            final Thread publisher = new Thread(() ->
            {
                while (!refused.get())
                {
                    try
                    {
                        final Api.Reply reply = api.post("/publish", "application/json",
                            Api.eventJson("shutdown/t", null, "1", null));
                        if (reply.status() == 202)
                        {
                            accepted.add(Long.parseLong(reply.jsonField("id")));
                        }
                        else
                        {
                            refused.set(true);
                        }
                    }
                    catch (final UncheckedIOException ex)
                    {
                        refused.set(true);
                    }
                }
            }, "publisher-during-shutdown");
            publisher.start();
            Await.until(Duration.ofSeconds(10), "some events accepted", () -> accepted.size() >= 50);

            server.server().close();
            publisher.join(10_000);

            for (final SseStream s : streams)
            {
                s.awaitEnd(Duration.ofSeconds(15));
                assertEquals(SseStream.End.COMPLETED, s.end(), "a clean end of the response: " + s.describe());
                assertEquals(accepted, s.frames().stream().map(SseFrame::numericId).toList(),
                    "every accepted publish was delivered before the stream ended");
            }
            assertThrows(UncheckedIOException.class, () -> api.get("/healthz"), "the server no longer accepts");
            assertTrue(refused.get());
        }
        finally
        {
            api.close();
        }
    }
}

package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import io.ringcast.test.sse.SseFrame;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

@Timeout(90)
class ResumeTest
{
    private static final Duration WAIT = Duration.ofSeconds(15);

    @Test
    void shouldResumeMidStreamWithNoGapAndNoDuplicateWhileAPublisherRuns() throws Exception
    {
        try (TestServer server = TestServer.start())
        {
            final Api api = server.api();
            final List<Long> published = new CopyOnWriteArrayList<>();
            final AtomicBoolean stop = new AtomicBoolean();
            final AtomicReference<Throwable> publisherFailure = new AtomicReference<>();
            SseStream connection = api.subscribe("resume/t");
            final Thread publisher = new Thread(() ->
            {
                try
                {
                    for (int n = 0; !stop.get(); n++)
                    {
                        published.add(api.publish("resume/t", null, "{\"n\":" + n + "}", null));
                    }
                }
                catch (final Throwable ex)
                {
                    publisherFailure.set(ex);
                }
            }, "continuous-publisher");
            publisher.start();

            final List<SseFrame> received = new ArrayList<>();
            for (int reconnect = 0; reconnect < 6; reconnect++)
            {
                connection.awaitFrames(30, WAIT);
                connection.close();
                final List<SseFrame> part = connection.frames();
                received.addAll(part);
                final String lastId = part.get(part.size() - 1).id();
                connection = reconnect % 2 == 0 ?
                    api.stream("/events?topic=resume/t", "Last-Event-ID", lastId) :
                    api.stream("/events?topic=resume/t&lastEventId=" + lastId);
                assertEquals(200, connection.status(), connection.describe());
            }
            stop.set(true);
            publisher.join(WAIT.toMillis());
            assertNull(publisherFailure.get(), "the publisher ran without error");
            final SseStream last = connection;
            final long publisherLast = published.get(published.size() - 1);
            if (publisherLast != received.get(received.size() - 1).numericId())
            {
                // what the publisher added after the last reconnection arrives by replay or live, with no new event
                // to wake the stream
                Await.until(WAIT, "the publisher's last event on the resumed stream",
                    () -> last.lastFrame() != null && last.lastFrame().numericId() == publisherLast, last::describe);
            }
            // a starved publisher may have published nothing since the last reconnection: one more event, so that the
            // last resumed stream is always seen carrying one
            published.add(api.publish("resume/t", null, "{\"n\":\"last\"}", null));
            final long lastPublished = published.get(published.size() - 1);
            Await.until(WAIT, "the last published event on the resumed stream",
                () -> last.lastFrame() != null && last.lastFrame().numericId() == lastPublished, last::describe);
            received.addAll(last.frames());
            last.close();

            assertTrue(received.stream().noneMatch(f -> f.type().equals("reset")), "no reset within history");
            assertEquals(published, received.stream().map(SseFrame::numericId).toList(),
                "every published event exactly once, in order, across 6 reconnections");
        }
    }

    @Test
    void shouldReplayFromTheLastEventIdQueryParameterOnAFirstConnect()
    {
        try (TestServer server = TestServer.start())
        {
            final Api api = server.api();
            final long first = api.publish("resume/q", "1");
            final long second = api.publish("resume/q", "2");
            final long third = api.publish("resume/q", "3");
            try (SseStream stream = api.stream("/events?topic=resume/q&lastEventId=" + first))
            {
                stream.awaitFrames(2, WAIT);
                final long live = api.publish("resume/q", "4");
                stream.awaitFrames(3, WAIT);
                assertEquals(List.of(second, third, live), stream.frames().stream().map(SseFrame::numericId).toList());
            }
        }
    }

    @Test
    void shouldSendAResetEventWhenTheResumeIdIsOlderThanHistory()
    {
        try (TestServer server = TestServer.start(c -> c.historySize(16)))
        {
            final Api api = server.api();
            final long first = api.publish("resume/old", "0");
            for (int i = 1; i < 100; i++)
            {
                api.publish("resume/old", Integer.toString(i));
            }
            for (final String tooOld : List.of(Long.toString(first), "1"))
            {
                try (SseStream stream = api.stream("/events?topic=resume/old", "Last-Event-ID", tooOld))
                {
                    assertEquals(200, stream.status());
                    final long live = api.publish("resume/old", "\"live\"");
                    Await.until(WAIT, "the live event after the reset", () -> stream.lastFrame() != null &&
                        stream.lastFrame().id().equals(Long.toString(live)), stream::describe);
                    final SseFrame reset = stream.frames().get(0);
                    assertEquals("reset", reset.type(), "the first event after a too-old id: " + stream.frames());
                    assertTrue(stream.undispatchedBlocks().isEmpty(), "the reset frame has data so browsers see it");
                }
            }
        }
    }
}

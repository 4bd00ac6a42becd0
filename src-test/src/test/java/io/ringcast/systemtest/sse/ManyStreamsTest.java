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

@Timeout(120)
class ManyStreamsTest
{
    private static final int STREAMS = 2_000;
    private static final int TOPICS = 20;
    private static final int EVENTS_PER_TOPIC = 10;

    @Test
    void shouldServeTwoThousandConcurrentStreamsEachItsOwnTopicsEvents()
    {
        try (TestServer server = TestServer.start())
        {
            final Api api = server.api();
            final List<SseStream> streams = new ArrayList<>(STREAMS);
            for (int i = 0; i < STREAMS; i++)
            {
                streams.add(api.stream("/events?topic=many/" + (i % TOPICS)));
            }
            for (final SseStream s : streams)
            {
                assertEquals(200, s.status(), s.describe());
            }
            Await.until(Duration.ofSeconds(30), STREAMS + " subscriptions registered on the server",
                () -> SlowClientTest.subscriptions(api) >= STREAMS, () -> "" + SlowClientTest.subscriptions(api));

            final List<List<Long>> idsByTopic = new ArrayList<>();
            for (int t = 0; t < TOPICS; t++)
            {
                final StringBuilder body = new StringBuilder();
                for (int e = 0; e < EVENTS_PER_TOPIC; e++)
                {
                    body.append(Api.eventJson("many/" + t, null, "{\"t\":" + t + ",\"e\":" + e + "}", null)).append('\n');
                }
                final Api.Reply reply = api.post("/publish", "application/x-ndjson", body.toString());
                assertEquals(202, reply.status(), reply.toString());
                idsByTopic.add(Api.jsonStrings(reply.body()).stream().map(Long::parseLong).toList());
            }
            for (int i = 0; i < STREAMS; i++)
            {
                final SseStream s = streams.get(i);
                s.awaitFrames(EVENTS_PER_TOPIC, Duration.ofSeconds(30));
                assertEquals(idsByTopic.get(i % TOPICS), s.frames().stream().map(SseFrame::numericId).toList(),
                    s.label());
            }
            streams.forEach(SseStream::close);
        }
    }
}

package io.ringcast.systemtest.sse;

import io.ringcast.test.Await;
import io.ringcast.test.sse.SseStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(30)
class HeartbeatTest
{
    @Test
    void shouldSendCommentHeartbeatsOnAnIdleStream()
    {
        try (TestServer server = TestServer.start(c -> c.heartbeatIntervalMs(200)))
        {
            try (SseStream stream = server.api().subscribe("idle/t"))
            {
                Await.until(Duration.ofSeconds(10), "three heartbeat comments", () -> stream.comments().size() >= 3,
                    stream::describe);
                assertEquals(0, stream.frameCount(), "heartbeats are comments, not events");
                final long id = server.api().publish("idle/t", "1");
                assertEquals(id, stream.awaitFrames(1, Duration.ofSeconds(10)).frames().get(0).numericId());
            }
        }
    }
}

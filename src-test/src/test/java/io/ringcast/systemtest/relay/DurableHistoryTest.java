package io.ringcast.systemtest.relay;

import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Event;
import io.ringcast.engine.Filter;
import io.ringcast.engine.ResumeOutcome;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import io.ringcast.systemtest.relay.support.PostgresServer;
import io.ringcast.systemtest.relay.support.RelayNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

@Timeout(value = 60, unit = TimeUnit.SECONDS)
class DurableHistoryTest
{
    @Test
    void shouldServeAResumeOlderThanMemoryFromTheOutbox()
    {
        final String url = PostgresServer.shared().freshDatabase("relay_history");
        try (RelayNode node = new RelayNode("solo", RelayNode.config(url), new EngineConfig().historyMaxEvents(100)))
        {
            RelayNode.await("relay connected", 20_000, () -> node.health().ok(), () -> node.health().toString());
            for (int i = 0; i < 1_000; i++)
            {
                node.publish("history/solo", "e" + i);
            }
            final List<Long> ids = node.published();
            RelayNode.await("the outbox to hold everything", 20_000,
                () -> node.relay().committedId() >= ids.get(ids.size() - 1), () -> "" + node.relay().committedId());

            final Subscription s = node.engine().subscribe(Filter.all(),
                SubscribeOptions.defaults().queueCapacity(4_096).resumeAfter(ids.get(99)));
            final List<Event> got = new ArrayList<>();
            RelayNode.await("900 resumed events", 20_000, () ->
            {
                s.drain(got::add, 4_096);
                return got.size() >= 900;
            }, () -> got.size() + " " + s.resumeOutcome());
            assertEquals(ResumeOutcome.EXACT, s.resumeOutcome());
            assertEquals(ids.subList(100, 1_000), got.stream().map(Event::id).toList());
            assertEquals("e100", got.get(0).payloadAsString());
            assertEquals("v", got.get(0).attributes().get("k"));
            s.close();
        }
    }
}

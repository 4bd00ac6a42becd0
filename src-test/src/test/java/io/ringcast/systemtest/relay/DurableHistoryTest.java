package io.ringcast.systemtest.relay;

import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Event;
import io.ringcast.engine.Filter;
import io.ringcast.engine.ResumeOutcome;
import io.ringcast.engine.SubscribeOptions;
import io.ringcast.engine.Subscription;
import io.ringcast.test.PostgresServer;
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
                s.drain(e -> got.add(e.copy()), 4_096);
                return got.size() >= 900;
            }, () -> got.size() + " " + s.resumeOutcome());
            assertEquals(ResumeOutcome.EXACT, s.resumeOutcome());
            assertEquals(ids.subList(100, 1_000), got.stream().map(Event::id).toList());
            assertEquals("e100", got.get(0).payloadAsString());
            assertEquals("v", got.get(0).attributes().get("k"));
            s.close();
        }
    }

    @Test
    void shouldReportAGapRatherThanServeARangeHoldingRelayedEventsByLocalId()
    {
        final String url = PostgresServer.shared().freshDatabase("relay_history_gap");
        try (RelayNode a = new RelayNode("a", RelayNode.config(url));
            RelayNode b = new RelayNode("b", RelayNode.config(url), new EngineConfig().historyMaxEvents(100)))
        {
            RelayNode.await("relays connected", 20_000, () -> a.health().ok() && b.health().ok(),
                () -> a.health() + " " + b.health());
            final long first = b.publish("history/b", "first");
            for (int i = 0; i < 500; i++)
            {
                a.publish("history/a", "a" + i);
            }
            RelayNode.await("b to get a's events", 20_000, () -> b.receivedFrom("a").size() == 500,
                () -> "" + b.receivedFrom("a").size());

            final Subscription s = b.engine().subscribe(Filter.all(),
                SubscribeOptions.defaults().queueCapacity(4_096).resumeAfter(first));
            RelayNode.await("the resume outcome", 20_000, () -> s.resumeOutcome() != ResumeOutcome.PENDING,
                () -> "" + s.resumeOutcome());
            assertEquals(ResumeOutcome.GAP, s.resumeOutcome(),
                "relayed events have no row under b's local ids: the log must not claim the range complete");
            s.close();
        }
    }
}

package io.ringcast.sse;

import io.netty.channel.embedded.EmbeddedChannel;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

class HeartbeatsTest
{
    private static final class Counted extends Heartbeats.Member
    {
        int visits;

        @Override
        void heartbeat()
        {
            visits++;
        }
    }

    @Test
    void shouldVisitEveryStreamOncePerIntervalInSlicesWhileStreamsComeAndGo()
    {
        final EmbeddedChannel loop = new EmbeddedChannel();
        loop.freezeTime();
        final Heartbeats heartbeats = Heartbeats.of(loop.eventLoop(), 1600);
        final List<Counted> streams = new ArrayList<>();
        for (int i = 0; i < 100; i++)
        {
            final Counted c = new Counted();
            streams.add(c);
            heartbeats.add(c);
        }
        // half an interval: about half the streams visited, none twice
        tick(loop, Heartbeats.SLICES / 2);
        assertEquals(7 * 8, streams.stream().filter(c -> c.visits == 1).count());
        // streams removed on both sides of the cursor: the others are still visited exactly once per round
        for (int i = 0; i < 100; i += 3)
        {
            heartbeats.remove(streams.get(i));
        }
        heartbeats.remove(streams.get(0)); // twice: harmless
        streams.removeIf(c -> c.heartbeatIndex < 0);
        assertEquals(66, heartbeats.size());
        // the rest of the round, then a whole one: within an interval, each stream left is visited once before any is
        // visited twice
        round(loop, streams);
        streams.forEach(c -> c.visits = 0);
        round(loop, streams);
        streams.forEach(heartbeats::remove);
        assertEquals(0, heartbeats.size());
        assertEquals(-1, loop.runScheduledPendingTasks(), "no tick is scheduled once the loop has no stream");
    }

    private static void round(final EmbeddedChannel loop, final List<Counted> streams)
    {
        for (int i = 0; i < Heartbeats.SLICES && streams.stream().anyMatch(c -> c.visits == 0); i++)
        {
            tick(loop, 1);
        }
        streams.forEach(c -> assertEquals(1, c.visits));
    }

    private static void tick(final EmbeddedChannel loop, final int ticks)
    {
        for (int i = 0; i < ticks; i++)
        {
            loop.advanceTimeBy(1600 / Heartbeats.SLICES, TimeUnit.MILLISECONDS);
            loop.runScheduledPendingTasks();
        }
    }
}

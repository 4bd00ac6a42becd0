package io.ringcast.engine;

import io.ringcast.test.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;

import static io.ringcast.engine.TestEvents.msg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The engine's follower (the journal's place): every event handed to it in place and in order, its position gating
 * publishers and the history's eviction, the dispatcher woken when eviction waited for it, and a detached follower
 * forgotten.
 */
@Timeout(60)
class FollowerTest
{
    /** A follower polled by the test thread; records what it read. */
    private static final class RecordingFollower implements EventFollower
    {
        volatile FollowerCursor cursor;
        final List<String> payloads = new ArrayList<>();
        final List<Long> ids = new ArrayList<>();

        @Override
        public void attach(final FollowerCursor cursor)
        {
            this.cursor = cursor;
        }

        @Override
        public void onDispatched()
        {
        }

        int poll(final int limit)
        {
            return cursor.poll(e ->
            {
                ids.add(e.id());
                payloads.add(e.payloadAsString());
                return true;
            }, limit);
        }
    }

    @Test
    void shouldHandTheFollowerEveryEventOnceInOrderAsPublished()
    {
        final RecordingFollower follower = new RecordingFollower();
        try (Engine engine = Engine.start(new EngineConfig().ringSize(64).historyMaxEvents(64).follower(follower)))
        {
            final List<String> sent = new ArrayList<>();
            for (int i = 0; i < 5_000; i++)
            {
                final String payload = "event-" + i + "-" + "x".repeat(i % 300);
                sent.add(payload);
                while (engine.tryPublish(msg("t" + (i % 7), payload)) < 0)
                {
                    follower.poll(100); // the storage is full until the follower takes
                }
            }
            Await.until(() ->
            {
                follower.poll(1_000);
                return follower.payloads.size() == sent.size();
            }, () -> "the follower took " + follower.payloads.size() + " of " + sent.size());
            assertThat(follower.payloads).isEqualTo(sent);
            for (int i = 1; i < follower.ids.size(); i++)
            {
                assertThat(follower.ids.get(i)).isEqualTo(follower.ids.get(i - 1) + 1);
            }
            assertThat(follower.ids.get(0)).isEqualTo(engine.firstId());
            assertThat(follower.cursor.lag()).isZero();
            assertThat(follower.cursor.lastDispatchedId()).isEqualTo(engine.lastDispatchedId());
        }
    }

    @Test
    void shouldHoldPublishersBackWhileTheFollowerIsAStorageBehindAndWakeTheParkedDispatcherWhenItTakes()
    {
        final RecordingFollower follower = new RecordingFollower();
        // storage: 32 slots, 16 in flight, 16 retained; the dispatcher parks up to a minute: only a wake-up frees it
        try (Engine engine = Engine.start(new EngineConfig().ringSize(16).historyMaxEvents(16)
            .waitStrategy(WaitStrategyKind.BLOCKING).housekeepingIntervalMs(60_000).follower(follower)))
        {
            final int first = publishUntilHeldBack(engine);
            assertThat(first).as("publishers are held back by the follower").isBetween(16, 32);

            assertThat(follower.poll(1_000)).isEqualTo(first);
            Await.until(() -> engine.tryPublish(msg("t", "after")) >= 0,
                () -> "publishers still held back after the follower took every event");
            Await.until(() ->
            {
                follower.poll(1_000);
                return follower.payloads.size() == first + 1;
            }, () -> "the follower took " + follower.payloads.size());
            for (int i = 0; i < first; i++)
            {
                assertThat(follower.payloads.get(i)).isEqualTo(Integer.toString(i));
            }
            assertThat(follower.payloads.get(first)).isEqualTo("after");
        }
    }

    /** @return events accepted before a publish is refused with the dispatcher caught up (held back, not just busy). */
    private static int publishUntilHeldBack(final Engine engine)
    {
        int accepted = 0;
        while (true)
        {
            if (engine.tryPublish(msg("t", Integer.toString(accepted))) >= 0)
            {
                accepted++;
                continue;
            }
            final int n = accepted;
            Await.until(() -> engine.metrics().dispatched() == n, () -> "dispatched " + engine.metrics().dispatched());
            if (engine.tryPublish(msg("t", Integer.toString(accepted))) < 0)
            {
                return accepted;
            }
            accepted++;
        }
    }

    @Test
    void shouldKeepLargeEventsWholeForTheFollowerBeyondTheHistoryBytesBoundThenEvictThem()
    {
        final RecordingFollower follower = new RecordingFollower();
        final String large = "y".repeat(200_000); // larger than the payload a slot keeps after eviction
        try (Engine engine = Engine.start(new EngineConfig().ringSize(16).historyMaxEvents(1024)
            .historyMaxBytes(500_000).housekeepingIntervalMs(60_000).follower(follower)))
        {
            for (int i = 0; i < 10; i++)
            {
                engine.publish(msg("t", i + large));
            }
            Await.until(() -> engine.metrics().dispatched() == 10, () -> "dispatched " + engine.metrics().dispatched());
            assertThat(engine.metrics().historyBytes()).as("held for the follower").isGreaterThan(1_000_000);

            assertThat(follower.poll(1_000)).isEqualTo(10);
            for (int i = 0; i < 10; i++)
            {
                assertThat(follower.payloads.get(i)).isEqualTo(i + large);
            }
            Await.until(() -> engine.metrics().historyBytes() <= 500_000,
                () -> "the history did not evict once the follower took: " + engine.metrics().historyBytes());
        }
    }

    @Test
    void shouldForgetADetachedFollower()
    {
        final RecordingFollower follower = new RecordingFollower();
        try (Engine engine = Engine.start(new EngineConfig().ringSize(16).historyMaxEvents(16).follower(follower)))
        {
            follower.cursor.detach();
            for (int i = 0; i < 1_000; i++)
            {
                engine.publish(msg("t", Integer.toString(i))); // 30 storages' worth: never held back by the follower
            }
            Await.until(() -> engine.metrics().dispatched() == 1_000, () -> "dispatched " + engine.metrics().dispatched());
            assertThat(follower.cursor.isDetached()).isTrue();
            assertThat(follower.cursor.lag()).isZero();
            assertThat(follower.poll(100)).isZero();
        }
    }

    @Test
    void shouldTakeOneFollowerOnly()
    {
        final EngineConfig config = new EngineConfig().follower(new RecordingFollower());
        assertThatThrownBy(() -> config.follower(new RecordingFollower()))
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("one follower");
    }
}

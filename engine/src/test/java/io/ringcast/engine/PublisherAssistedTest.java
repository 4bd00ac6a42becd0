package io.ringcast.engine;

import io.ringcast.test.Await;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicReference;

import static io.ringcast.engine.TestEvents.drainUntil;
import static io.ringcast.engine.TestEvents.msg;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@link WaitStrategyKind#PUBLISHER_ASSISTED}: a publish that finds the dispatcher parked dispatches on the publishing
 * thread; a publisher going flat out hands the dispatch to the dispatcher's thread; commands and close still reach the
 * thread. The flag's handshakes are proven in the jcstress module ({@code Assisted*Test}).
 */
class PublisherAssistedTest
{
    /** Records the threads the duty cycle ran on (a stage runs on the dispatching thread). */
    private static final class ThreadsSeen implements EventStage
    {
        final Set<String> threads = ConcurrentHashMap.newKeySet();

        @Override
        public void onEvent(final Event event, final boolean endOfBatch)
        {
            threads.add(Thread.currentThread().getName());
        }
    }

    /**
     * Housekeeping once a minute: the parked thread otherwise wakes every 100 ms and, before any inline run, takes the
     * dispatcher back for housekeeping, which a test may meet between seeing it parked and publishing.
     */
    private static EngineConfig assisted(final EventStage stage)
    {
        return new EngineConfig().waitStrategy(WaitStrategyKind.PUBLISHER_ASSISTED).housekeepingIntervalMs(60_000)
            .stage(stage);
    }

    private static void awaitParked(final Engine engine)
    {
        Await.until(() -> engine.dispatcherWaitStrategy().state() == DispatcherWaitStrategy.PARKED,
            () -> "the dispatcher thread did not park");
    }

    @Test
    void shouldDispatchOnThePublishingThreadWhileTheDispatcherIsParked()
    {
        final ThreadsSeen seen = new ThreadsSeen();
        try (Engine engine = Engine.start(assisted(seen)))
        {
            final AtomicReference<String> woken = new AtomicReference<>();
            final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().listener(
                new SubscriptionListener()
                {
                    @Override
                    public void onAvailable()
                    {
                        woken.set(Thread.currentThread().getName());
                    }
                }));
            final List<Event> got = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                awaitParked(engine);
                final long id = engine.tryPublish(msg("t", Integer.toString(i)));
                // dispatched before tryPublish returned: matched, offered, the listener called, on this thread
                assertThat(engine.lastDispatchedId()).isEqualTo(id);
                assertThat(woken.get()).isEqualTo(Thread.currentThread().getName());
                woken.set(null);
                drainUntil(s, got, i + 1);
            }
            assertThat(seen.threads).containsExactly(Thread.currentThread().getName());
            assertThat(got).extracting(Event::payloadAsString).first().isEqualTo("0");
            assertThat(engine.dispatcherWaitStrategy().state()).isEqualTo(DispatcherWaitStrategy.PARKED);
        }
    }

    @Test
    void shouldHandTheDispatchToItsThreadWhenPublishingFlatOut()
    {
        final ThreadsSeen seen = new ThreadsSeen();
        try (Engine engine = Engine.start(assisted(seen)))
        {
            final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().queueCapacity(1 << 16));
            awaitParked(engine);
            final int events = 40_000; // fewer than the history keeps (49,152): none leaves it before it is drained
            for (int i = 0; i < events; i++)
            {
                engine.publish(msg("t", Integer.toString(i)));
            }
            final List<Event> got = new ArrayList<>();
            drainUntil(s, got, events);
            for (int i = 0; i < events; i++)
            {
                assertThat(got.get(i).payloadAsString()).isEqualTo(Integer.toString(i));
            }
            assertThat(s.dropped()).isZero();
            assertThat(seen.threads).contains(Thread.currentThread().getName())
                .anyMatch(name -> name.startsWith("ringcast-dispatcher"));
        }
    }

    @Test
    void shouldRegisterSubscriptionsAndCloseWhileAPublisherDispatches() throws Exception
    {
        final ThreadsSeen seen = new ThreadsSeen();
        final Engine engine = Engine.start(assisted(seen));
        final Subscription first = engine.subscribe(Filter.all(), SubscribeOptions.defaults());
        final Thread publisher = new Thread(() ->
        {
            for (int i = 0; i < 1_000_000 && engine.tryPublish(msg("t", "x")) != Engine.CLOSED; i++)
            {
                Thread.onSpinWait();
            }
        }, "publisher");
        publisher.start();
        // subscribe() waits for the dispatcher to apply its command, whether a publisher or the thread runs it
        final List<Subscription> later = new ArrayList<>();
        for (int i = 0; i < 50; i++)
        {
            later.add(engine.subscribe(Filter.topic("t"), SubscribeOptions.defaults()));
        }
        assertThat(later).allMatch(Subscription::isRegistered);
        engine.close();
        publisher.join(10_000);
        assertThat(publisher.isAlive()).isFalse();
        assertThat(first.closeReason()).isEqualTo(CloseReason.ENGINE_CLOSED);
        assertThat(later).allMatch(sub -> sub.closeReason() == CloseReason.ENGINE_CLOSED);
    }

    @Test
    void shouldRefuseABlockingSubscribeFromACallbackRunningInline()
    {
        try (Engine engine = Engine.start(assisted(new ThreadsSeen())))
        {
            final AtomicReference<Throwable> refused = new AtomicReference<>();
            engine.subscribe(Filter.all(), SubscribeOptions.defaults().listener(new SubscriptionListener()
            {
                @Override
                public void onAvailable()
                {
                    try
                    {
                        engine.subscribe(Filter.all(), SubscribeOptions.defaults());
                    }
                    catch (final Throwable t)
                    {
                        refused.set(t);
                    }
                }
            }));
            awaitParked(engine);
            engine.tryPublish(msg("t", "x"));
            assertThat(refused.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("subscribeAsync");
        }
    }
}

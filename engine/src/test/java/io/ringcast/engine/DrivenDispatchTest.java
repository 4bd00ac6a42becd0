package io.ringcast.engine;

import io.ringcast.test.Await;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static io.ringcast.engine.TestEvents.drainUntil;
import static io.ringcast.engine.TestEvents.msg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** The dispatcher run by a {@link DispatchDriver} on the application's own thread (here a one-thread executor). */
@Timeout(60)
class DrivenDispatchTest
{
    private final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor(r -> new Thread(r, "loop"));
    private final AtomicReference<Engine> engineRef = new AtomicReference<>();
    private final AtomicInteger wakeups = new AtomicInteger();
    private final AtomicReference<Thread> dispatchedOn = new AtomicReference<>();

    @AfterEach
    void stopLoop()
    {
        loop.shutdownNow();
    }

    /** The driver an event loop would be: each wake-up schedules one dispatch task, which runs until idle. */
    private Engine startDriven()
    {
        final EngineConfig config = new EngineConfig().housekeepingIntervalMs(50).dispatchDriver(() ->
        {
            wakeups.incrementAndGet();
            loop.execute(this::runDispatch);
        });
        final Engine engine = Engine.start(config);
        engineRef.set(engine);
        loop.scheduleAtFixedRate(this::runDispatch, 50, 50, TimeUnit.MILLISECONDS);
        return engine;
    }

    private void runDispatch()
    {
        dispatchedOn.set(Thread.currentThread());
        while (engineRef.get().dispatch())
        {
            // more work arrived while dispatching, and this call kept the wake-up for it
        }
    }

    @Test
    void shouldDeliverEverythingPublishedFromOtherThreadsInOrderOnTheDriverThread() throws Exception
    {
        final Engine engine = startDriven();
        final Subscription s = engine.subscribe(Filter.topicPattern("t/*"), SubscribeOptions.defaults()
            .queueCapacity(100_000));
        final ExecutorService publishers = Executors.newFixedThreadPool(3);
        for (int p = 0; p < 3; p++)
        {
            final int publisher = p;
            publishers.execute(() ->
            {
                for (int i = 0; i < 10_000; i++)
                {
                    engine.publish(msg("t/" + publisher, Integer.toString(i)));
                }
            });
        }
        publishers.shutdown();
        assertThat(publishers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

        final List<Event> events = new ArrayList<>();
        drainUntil(s, events, 30_000);
        final int[] next = new int[3];
        for (final Event e : events)
        {
            final int publisher = e.topic().charAt(2) - '0';
            assertThat(e.payloadAsString()).isEqualTo(Integer.toString(next[publisher]++));
        }
        assertThat(engine.metrics().dispatched()).isEqualTo(30_000);
        assertThat(dispatchedOn.get().getName()).isEqualTo("loop");
        assertThat(wakeups.get()).isLessThan(30_000); // one per idle period, not one per publish
        engine.close();
    }

    @Test
    void shouldWakeTheSubscriberListenerFromTheDriverThread()
    {
        final Engine engine = startDriven();
        final AtomicReference<String> wokenOn = new AtomicReference<>();
        final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults()
            .listener(new SubscriptionListener()
            {
                @Override
                public void onAvailable()
                {
                    wokenOn.set(Thread.currentThread().getName());
                }
            }));
        engine.publish(msg("a", "1"));
        Await.until(() -> wokenOn.get() != null, () -> "the listener was not woken");
        assertThat(wokenOn.get()).isEqualTo("loop");
        assertThat(s.drain(e -> { }, 10)).isEqualTo(1);
        engine.close();
    }

    @Test
    void shouldCloseEverySubscriptionThroughTheDriverWhenClosedFromAnotherThread()
    {
        final Engine engine = startDriven();
        final Subscription s = engine.subscribe(Filter.all());
        engine.publish(msg("a", "1"));
        engine.close();

        assertThat(s.isClosed()).isTrue();
        assertThat(s.closeReason()).isEqualTo(CloseReason.ENGINE_CLOSED);
        assertThat(engine.metrics().dispatched()).isEqualTo(1); // what was published before close() was dispatched
        assertThat(engine.dispatch()).isFalse(); // harmless after close, on any thread
        engine.close(); // idempotent
    }

    @Test
    void shouldCloseOnTheDriverThreadItselfAndBeforeAnyDispatch() throws Exception
    {
        final Engine engine = startDriven();
        final Subscription s = engine.subscribeAsync(Filter.all(), SubscribeOptions.defaults());
        Await.until(s::isRegistered, () -> "not registered");
        loop.submit(engine::close).get(20, TimeUnit.SECONDS);
        assertThat(s.closeReason()).isEqualTo(CloseReason.ENGINE_CLOSED);

        final Engine never = Engine.start(new EngineConfig().dispatchDriver(() -> { }));
        never.close(); // no driver ever ran: close() finishes on its own
        assertThat(never.isClosed()).isTrue();
    }

    @Test
    void shouldRefuseDispatchOnASecondThreadAndOnAnEngineWithItsOwnThread() throws Exception
    {
        final Engine engine = startDriven();
        engine.publish(msg("a", "1"));
        Await.until(() -> engine.metrics().dispatched() == 1, () -> "not dispatched");
        assertThatThrownBy(engine::dispatch).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("same thread").hasMessageContaining("'loop'");
        final AtomicBoolean refused = new AtomicBoolean();
        loop.submit(() ->
        {
            try
            {
                engine.subscribe(Filter.all(), SubscribeOptions.defaults());
            }
            catch (final IllegalStateException expected)
            {
                refused.set(expected.getMessage().contains("subscribeAsync"));
            }
        }).get(20, TimeUnit.SECONDS);
        assertThat(refused).isTrue(); // a blocking subscribe on the driver thread would wait for itself
        engine.close();

        try (Engine own = Engine.start(new EngineConfig()))
        {
            assertThatThrownBy(own::dispatch).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("dispatchDriver");
        }
    }
}

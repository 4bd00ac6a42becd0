package io.ringcast.engine;

import io.ringcast.test.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static io.ringcast.engine.TestEvents.drainUntil;
import static io.ringcast.engine.TestEvents.msg;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

@Timeout(60)
class LifecycleTest
{
    @Test
    void shouldWakeOncePerEmptyToNonEmptyTransitionNotPerEvent()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final AtomicInteger wakes = new AtomicInteger();
            final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().queueCapacity(2048)
                .listener(new SubscriptionListener()
                {
                    @Override
                    public void onAvailable()
                    {
                        wakes.incrementAndGet();
                    }
                }));
            for (int i = 0; i < 1_000; i++)
            {
                engine.publish(msg("t", "x"));
            }
            // the wake-up runs at the end of the batch, just after the last event counts as dispatched
            Await.until(() -> engine.metrics().dispatched() == 1_000 && wakes.get() > 0, () -> "not dispatched");
            assertThat(wakes.get()).isEqualTo(1);

            assertThat(s.drain(e -> { }, 600)).isEqualTo(600);
            assertThat(s.drain(e -> { }, 600)).isEqualTo(400); // fewer than the limit: re-armed
            engine.publish(msg("t", "y"));
            Await.until(() -> wakes.get() == 2, () -> "no second wake-up");
            engine.publish(msg("t", "z"));
            Await.until(() -> engine.metrics().dispatched() == 1_002, () -> "not dispatched");
            assertThat(wakes.get()).isEqualTo(2);
        }
    }

    @Test
    void shouldCloseIdempotentlyAndReclaimTheSlot()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final Subscription s = engine.subscribe(Filter.all());
            assertThat(engine.metrics().activeSubscriptions()).isEqualTo(1);
            s.close();
            s.close();
            assertThat(s.closeReason()).isEqualTo(CloseReason.CLOSED_BY_CONSUMER);
            Await.until(() -> engine.metrics().activeSubscriptions() == 0, () -> "not reclaimed");
            engine.publish(msg("t", "x"));
            Await.until(() -> engine.metrics().dispatched() == 1, () -> "not dispatched");
            assertThat(s.matched()).isZero();
            assertThat(s.poll()).isNull();
        }
    }

    @Test
    void shouldReturnToZeroActiveSubscriptionsAfterChurnFromSeveralThreads() throws Exception
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final int threads = 4;
            final CountDownLatch done = new CountDownLatch(threads + 1);
            final Thread publisher = new Thread(() ->
            {
                for (int i = 0; i < 50_000; i++)
                {
                    engine.tryPublish(msg("churn/" + (i % 10), "x"));
                }
                done.countDown();
            });
            publisher.start();
            for (int t = 0; t < threads; t++)
            {
                final int tt = t;
                new Thread(() ->
                {
                    for (int i = 0; i < 2_000; i++)
                    {
                        final Filter f = switch (i % 4)
                        {
                            case 0 -> Filter.topic("churn/" + (i % 10));
                            case 1 -> Filter.topicPattern("churn/*");
                            case 2 -> Filter.audience("u" + tt);
                            default -> Filter.all();
                        };
                        final Subscription s = i % 2 == 0 ?
                            engine.subscribe(f, SubscribeOptions.defaults().queueCapacity(16)) :
                            engine.subscribeAsync(f, SubscribeOptions.defaults().queueCapacity(16));
                        s.drain(e -> { }, 8);
                        s.close();
                    }
                    done.countDown();
                }).start();
            }
            assertThat(done.await(40, TimeUnit.SECONDS)).isTrue();
            Await.until(() -> engine.metrics().activeSubscriptions() == 0,
                () -> "still active: " + engine.metrics().activeSubscriptions());
        }
    }

    @Test
    void shouldCloseEverySubscriptionOfATopicWithAClearReason()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final List<CloseReason> reasons = new ArrayList<>();
            final SubscriptionListener listener = new SubscriptionListener()
            {
                @Override
                public void onClosed(final CloseReason reason)
                {
                    synchronized (reasons)
                    {
                        reasons.add(reason);
                    }
                }
            };
            final Subscription a = engine.subscribe(Filter.topic("room/1"), SubscribeOptions.defaults().listener(listener));
            final Subscription b = engine.subscribe(Filter.topics("room/1", "room/2"), SubscribeOptions.defaults());
            final Subscription other = engine.subscribe(Filter.topic("room/2"));
            engine.closeTopic("room/1");
            Await.until(() -> a.isClosed() && b.isClosed(), () -> "not closed");
            assertThat(a.closeReason()).isEqualTo(CloseReason.TOPIC_CLOSED);
            assertThat(b.closeReason()).isEqualTo(CloseReason.TOPIC_CLOSED);
            assertThat(other.isClosed()).isFalse();
            assertThat(reasons).containsExactly(CloseReason.TOPIC_CLOSED);
            Await.until(() -> engine.metrics().activeSubscriptions() == 1, () -> "not reclaimed");
        }
    }

    @Test
    void shouldStopItsThreadsAndRefuseWorkAfterClose()
    {
        final Engine engine = Engine.start(new EngineConfig().nodeId("closing"));
        final Subscription s = engine.subscribe(Filter.all());
        engine.publish(msg("t", "last"));
        engine.close();
        engine.close();
        assertThat(engine.dispatcherThread().isAlive()).isFalse();
        assertThat(Thread.getAllStackTraces().keySet())
            .noneMatch(t -> t.getName().endsWith("-closing") && t.isAlive());
        // what was published before close was dispatched; the subscription was ended
        assertThat(s.poll().payloadAsString()).isEqualTo("last");
        assertThat(s.closeReason()).isEqualTo(CloseReason.ENGINE_CLOSED);
        assertThat(engine.tryPublish(msg("t", "x"))).isEqualTo(Engine.CLOSED);
        assertThatThrownBy(() -> engine.publish(msg("t", "x"))).isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("engine is closed");
        assertThatThrownBy(() -> engine.subscribe(Filter.all())).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void shouldReclaimASubscriptionWhoseHandleWasDropped()
    {
        try (Engine engine = Engine.start(new EngineConfig().housekeepingIntervalMs(10)))
        {
            engine.subscribe(Filter.all());
            assertThat(engine.metrics().activeSubscriptions()).isEqualTo(1);
            Await.until(() ->
            {
                System.gc();
                return engine.metrics().activeSubscriptions() == 0;
            }, () -> "dropped handle not reclaimed");
        }
    }

    @Test
    void shouldCloseASubscriptionWhoseConsumerStoppedDraining()
    {
        try (Engine engine = Engine.start(new EngineConfig().abandonTimeoutMs(50)))
        {
            final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().queueCapacity(4));
            for (int i = 0; i < 4; i++)
            {
                engine.publish(msg("t", "x"));
            }
            Await.until(() -> s.delivered() == 4, () -> "not delivered");
            Await.until(() ->
            {
                engine.publish(msg("t", "overflow"));
                return s.isClosed();
            }, () -> "not abandoned");
            assertThat(s.closeReason()).isEqualTo(CloseReason.ABANDONED);
            Await.until(() -> engine.metrics().activeSubscriptions() == 0, () -> "not reclaimed");
        }
    }

    @Test
    void shouldKeepASlowButProgressingConsumerThatOverflows() throws Exception
    {
        // overflowing for longer than the abandon timeout while it progresses; the timeout is far above any pause a
        // loaded machine gives this thread between two polls
        try (Engine engine = Engine.start(new EngineConfig().abandonTimeoutMs(1_000)))
        {
            final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().queueCapacity(4));
            final long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(1_500);
            while (System.nanoTime() - until < 0)
            {
                for (int i = 0; i < 200; i++)
                {
                    engine.publish(msg("t", "x"));
                }
                s.poll(); // one event per round: slow, dropping, but alive
                Thread.sleep(5);
            }
            Await.until(() -> s.dropped() > 1000, () -> "expected overflow, dropped " + s.dropped());
            assertThat(s.isClosed()).as("closed as %s", s.closeReason()).isFalse();
        }
    }

    @Test
    void shouldRefuseWithoutBlockingWhenTheRingIsFullAndPublishAllOrNothing() throws Exception
    {
        final CountDownLatch release = new CountDownLatch(1);
        final Enricher stuck = TestEvents.stuckUntil(release);
        try (Engine engine = Engine.start(new EngineConfig().ringSize(8).enricher(stuck)))
        {
            final Subscription s = engine.subscribe(Filter.all());
            int accepted = 0;
            while (engine.tryPublish(msg("t", Integer.toString(accepted))) >= 0)
            {
                accepted++;
            }
            assertThat(accepted).isEqualTo(8);
            assertThat(engine.metrics().rejected()).isEqualTo(1);
            assertThat(engine.tryPublishBatch(List.of(msg("t", "b1"), msg("t", "b2")))).isEqualTo(Engine.RING_FULL);
            assertThat(engine.metrics().ringRemainingCapacity()).isZero();
            release.countDown();
            final List<Event> got = new ArrayList<>();
            drainUntil(s, got, 8);
            final long first = engine.publishBatch(List.of(msg("t", "b1"), msg("t", "b2"), msg("t", "b3")));
            drainUntil(s, got, 11);
            assertThat(got.subList(8, 11)).extracting(Event::id).containsExactly(first, first + 1, first + 2);
            assertThat(got).extracting(Event::payloadAsString)
                .containsExactly("0", "1", "2", "3", "4", "5", "6", "7", "b1", "b2", "b3");
        }
    }
}

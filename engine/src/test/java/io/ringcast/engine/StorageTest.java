package io.ringcast.engine;

import io.ringcast.test.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringcast.engine.TestEvents.msg;
import static org.assertj.core.api.Assertions.assertThat;

/** The one storage: events written once into ring slots, positions in queues, drops when a slot is reused. */
@Timeout(60)
class StorageTest
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @Test
    void shouldCountAQueuedEventEvictedBeforeItWasReadAsADropForThatSubscriberOnly()
    {
        // storage = 32 slots, 16 of them retained behind the dispatcher
        try (Engine engine = Engine.start(new EngineConfig().ringSize(16).historyMaxEvents(0)))
        {
            final Subscription slow = engine.subscribe(Filter.all(), SubscribeOptions.defaults().queueCapacity(1024));
            final Subscription fast = engine.subscribe(Filter.all(), SubscribeOptions.defaults().queueCapacity(1024));
            final List<String> fastGot = new ArrayList<>();
            for (int i = 0; i < 100; i++)
            {
                engine.publish(msg("t", Integer.toString(i)));
                Await.until(() -> fast.drain(e -> fastGot.add(e.payloadAsString()), 10) > 0 || fastGot.size() > 100,
                    () -> "fast subscriber got nothing");
            }
            Await.until(() -> slow.matched() == 100, () -> "not dispatched: " + slow);

            final List<String> slowGot = new ArrayList<>();
            slow.drain(e -> slowGot.add(e.payloadAsString()), 1000);

            assertThat(fastGot).hasSize(100);
            assertThat(fast.dropped()).isZero();
            assertThat(slowGot).hasSize(16).endsWith("99").startsWith("84");
            assertThat(slow.delivered()).isEqualTo(16);
            assertThat(slow.dropped()).isEqualTo(84);
            assertThat(slow.delivered() + slow.dropped()).isEqualTo(slow.matched());
            assertThat(engine.metrics().delivered() + engine.metrics().dropped()).isEqualTo(200);
            assertThat(slow.isClosed()).isFalse();
        }
    }

    @Test
    void shouldSkipEveryStalePositionInOneDrainSoThatFewerThanTheLimitMeansEmpty()
    {
        // storage = 32 slots, 16 retained behind the dispatcher: of 100 queued positions, the first 84 were evicted
        try (Engine engine = Engine.start(new EngineConfig().ringSize(16).historyMaxEvents(0)))
        {
            final Subscription slow = engine.subscribe(Filter.all(), SubscribeOptions.defaults().queueCapacity(1024));
            for (int i = 0; i < 100; i++)
            {
                engine.publish(msg("t", Integer.toString(i)));
            }
            Await.until(() -> slow.matched() == 100, () -> "not dispatched: " + slow);

            final List<String> got = new ArrayList<>();
            assertThat(slow.drain(e -> got.add(e.payloadAsString()), 10)).isEqualTo(10); // not 0: the stale are skipped
            assertThat(got).hasSize(10).startsWith("84").endsWith("93");
            assertThat(slow.dropped()).isEqualTo(84);
            assertThat(slow.drain(e -> got.add(e.payloadAsString()), 100)).isEqualTo(6);
            assertThat(got).hasSize(16).endsWith("99");
            assertThat(slow.drain(e -> got.add(e.payloadAsString()), 100)).isZero();
            assertThat(slow.delivered() + slow.dropped()).isEqualTo(100);
        }
    }

    @Test
    void shouldCloseADisconnectSubscriptionWhoseQueuedEventWasEvicted()
    {
        try (Engine engine = Engine.start(new EngineConfig().ringSize(16).historyMaxEvents(0)))
        {
            final Subscription slow = engine.subscribe(Filter.all(),
                SubscribeOptions.defaults().queueCapacity(1024).policy(SlowConsumerPolicy.DISCONNECT));
            for (int i = 0; i < 100; i++)
            {
                engine.publish(msg("t", Integer.toString(i)));
            }
            Await.until(() -> slow.matched() == 100, () -> "not dispatched: " + slow);
            assertThat(slow.drain(e -> { }, 1000)).isZero();
            assertThat(slow.isClosed()).isTrue();
            assertThat(slow.closeReason()).isEqualTo(CloseReason.SLOW_CONSUMER);
        }
    }

    @Test
    void shouldKeepAnIdleSubscriptionUnder512BytesAndGrowItsQueueOnDemand()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final Subscription warm = engine.subscribe(Filter.topic("warm-up"));
            final List<Subscription> idle = new ArrayList<>(10_000);
            final List<Filter> filters = new ArrayList<>(10_000);
            for (int i = 0; i < 10_000; i++)
            {
                filters.add(Filter.topic("idle/" + i)); // the caller's, not the engine's
            }
            final long before = heapAfterGc();
            for (int i = 0; i < 10_000; i++)
            {
                idle.add(engine.subscribeAsync(filters.get(i), SubscribeOptions.defaults()));
            }
            Await.until(() -> idle.get(9_999).isRegistered(), () -> "not registered");
            final long retained = heapAfterGc() - before;
            assertThat(retained / 10_000).as("bytes per idle subscription").isLessThanOrEqualTo(512);
            assertThat(idle).allMatch(s -> !s.isClosed());

            final Subscription busy = engine.subscribe(Filter.topic("busy"),
                SubscribeOptions.defaults().queueCapacity(1000));
            assertThat(busy.allocatedQueueCapacity()).isEqualTo(PositionQueue.INITIAL_CAPACITY);
            for (int i = 0; i < 1_500; i++)
            {
                engine.publish(msg("busy", "x"));
            }
            Await.until(() -> busy.matched() == 1_500, () -> "not dispatched: " + busy);
            assertThat(busy.delivered()).isEqualTo(1000);
            assertThat(busy.dropped()).isEqualTo(500);
            assertThat(busy.allocatedQueueCapacity()).isEqualTo(1024);
            assertThat(warm.matched()).isZero();
        }
    }

    @Test
    void shouldStampEveryLocalEventWithATimeThatNeverDecreasesWithItsIdWhilePublishersRace() throws Exception
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final Subscription all = engine.subscribe(Filter.all(), SubscribeOptions.defaults().queueCapacity(65_536));
            final long before = System.currentTimeMillis();
            final Thread[] publishers = new Thread[4];
            for (int p = 0; p < publishers.length; p++)
            {
                final Message m = msg("t/" + p, "x");
                publishers[p] = new Thread(() ->
                {
                    for (int i = 0; i < 5_000; i++)
                    {
                        engine.publish(m);
                    }
                });
                publishers[p].start();
            }
            for (final Thread t : publishers)
            {
                t.join();
            }
            final List<Event> got = new ArrayList<>();
            TestEvents.drainUntil(all, got, 20_000);
            final long after = System.currentTimeMillis();

            long previousId = -1;
            long previousTime = before;
            for (final Event e : got)
            {
                assertThat(e.id()).isGreaterThan(previousId);
                assertThat(e.timestampMs()).as("time of id %d", e.id()).isGreaterThanOrEqualTo(previousTime);
                previousId = e.id();
                previousTime = e.timestampMs();
            }
            assertThat(previousTime).isLessThanOrEqualTo(after);
        }
    }

    private static long heapAfterGc()
    {
        final java.lang.management.MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
        long used = Long.MAX_VALUE;
        for (int i = 0; i < 3; i++) // the smallest of three full collections: other threads' garbage aside
        {
            System.gc();
            used = Math.min(used, memory.getHeapMemoryUsage().getUsed());
        }
        return used;
    }

    @Test
    void shouldAllocateNothingPerEventOnTheDispatcherOrTheDrainingThread()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final List<Subscription> subs = new ArrayList<>();
            for (int i = 0; i < 16; i++)
            {
                subs.add(engine.subscribe(Filter.all()));
            }
            final AtomicLong sum = new AtomicLong();
            final EventHandler handler = e -> sum.addAndGet(e.payloadBuffer().getByte(0));
            final EventWriter writer = engine.writer().topic(engine.topic("t")).type("tick");
            final byte[] payload = new byte[32];
            final Runnable round = () ->
            {
                for (int i = 0; i < 1_000; i++)
                {
                    writer.payload(payload, 0, 32).publish();
                }
                for (final Subscription s : subs)
                {
                    while (s.drain(handler, 256) == 256)
                    {
                        Thread.onSpinWait();
                    }
                }
            };
            for (int i = 0; i < 200; i++) // warm-up: slots, views and the JIT
            {
                round.run();
            }
            final long dispatcherId = engine.dispatcherThread().getId();
            final long callerId = Thread.currentThread().getId();
            final long dispatcherBefore = THREADS.getThreadAllocatedBytes(dispatcherId);
            final long callerBefore = THREADS.getThreadAllocatedBytes(callerId);
            for (int i = 0; i < 100; i++)
            {
                round.run();
            }
            final long dispatcher = THREADS.getThreadAllocatedBytes(dispatcherId) - dispatcherBefore;
            final long caller = THREADS.getThreadAllocatedBytes(callerId) - callerBefore;
            // 100,000 events, 1.6 M deliveries: one allocation per event or delivery would be megabytes
            assertThat(dispatcher).as("dispatcher bytes for 100,000 events").isLessThan(20_000);
            assertThat(caller).as("publisher + consumer bytes for 100,000 events").isLessThan(20_000);
        }
    }
}

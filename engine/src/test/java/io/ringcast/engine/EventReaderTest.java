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
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** One reader draining many subscriptions: each event copied once, still exact drops, bounded, allocation-free. */
@Timeout(60)
class EventReaderTest
{
    private static final com.sun.management.ThreadMXBean THREADS =
        (com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean();

    @Test
    void shouldHandEverySubscriptionEveryMatchedEventInOrderOneAtATimeAndInDeepBatches()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final List<Subscription> subs = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                subs.add(engine.subscribe(i % 2 == 0 ? Filter.all() : Filter.topic("odd"),
                    SubscribeOptions.defaults().queueCapacity(4096)));
            }
            for (int i = 0; i < 500; i++)
            {
                engine.publish(msg(i % 3 == 0 ? "odd" : "even", "event-" + i));
            }
            Await.until(() -> subs.get(19).matched() == 167 && subs.get(0).matched() == 500,
                () -> "not dispatched: " + subs);

            final EventReader reader = engine.reader();
            final List<List<String>> got = new ArrayList<>();
            for (int i = 0; i < subs.size(); i++)
            {
                got.add(new ArrayList<>());
            }
            // first one event per subscription per pass (the sparse pattern), then what is left in deep batches
            for (int pass = 0; pass < 40; pass++)
            {
                for (int i = 0; i < subs.size(); i++)
                {
                    final List<String> list = got.get(i);
                    reader.drain(subs.get(i), e -> list.add(e.topic() + ":" + e.payloadAsString()), 1);
                }
            }
            for (int i = 0; i < subs.size(); i++)
            {
                final List<String> list = got.get(i);
                while (reader.drain(subs.get(i), e -> list.add(e.topic() + ":" + e.payloadAsString()), 64) == 64)
                {
                    Thread.onSpinWait();
                }
            }

            final List<String> all = new ArrayList<>();
            final List<String> odd = new ArrayList<>();
            for (int i = 0; i < 500; i++)
            {
                final String e = (i % 3 == 0 ? "odd" : "even") + ":event-" + i;
                all.add(e);
                if (i % 3 == 0)
                {
                    odd.add(e);
                }
            }
            for (int i = 0; i < subs.size(); i++)
            {
                assertThat(got.get(i)).as("subscription %d", i).containsExactlyElementsOf(i % 2 == 0 ? all : odd);
                assertThat(subs.get(i).dropped()).isZero();
                assertThat(subs.get(i).delivered()).isEqualTo(subs.get(i).matched());
            }
            assertThat(reader.viewsCreated()).isLessThanOrEqualTo(EventReader.SLOTS + 1);
        }
    }

    @Test
    void shouldCountAnEventEvictedBeforeASubscriptionReadItAsItsDropEvenWhenTheReaderCopiedItForAnother()
    {
        // storage = 32 slots, 16 of them retained behind the dispatcher
        try (Engine engine = Engine.start(new EngineConfig().ringSize(16).historyMaxEvents(0)))
        {
            final Subscription first = engine.subscribe(Filter.all(), SubscribeOptions.defaults().queueCapacity(1024));
            final Subscription late = engine.subscribe(Filter.all(), SubscribeOptions.defaults().queueCapacity(1024));
            final EventReader reader = engine.reader();
            engine.publish(msg("t", "0"));
            Await.until(() -> late.matched() == 1, () -> "not dispatched: " + late);
            final List<String> firstGot = new ArrayList<>();
            assertThat(reader.drain(first, e -> firstGot.add(e.payloadAsString()), 1)).isOne(); // the reader's copy
            for (int i = 1; i < 100; i++)
            {
                engine.publish(msg("t", Integer.toString(i)));
            }
            Await.until(() -> late.matched() == 100, () -> "not dispatched: " + late);

            final List<String> lateGot = new ArrayList<>();
            reader.drain(late, e -> lateGot.add(e.payloadAsString()), 1); // position 0: evicted, though copied
            reader.drain(late, e -> lateGot.add(e.payloadAsString()), 1000);

            assertThat(firstGot).containsExactly("0");
            assertThat(lateGot).hasSize(16).startsWith("84").endsWith("99");
            assertThat(late.dropped()).isEqualTo(84);
            assertThat(late.delivered() + late.dropped()).isEqualTo(late.matched());
        }
    }

    @Test
    void shouldCloseADisconnectSubscriptionWhoseQueuedEventWasEvictedWhenDrainedThroughAReader()
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
            assertThat(engine.reader().drain(slow, e -> { }, 1000)).isZero();
            assertThat(slow.closeReason()).isEqualTo(CloseReason.SLOW_CONSUMER);
        }
    }

    @Test
    void shouldReplayAResumeThroughTheReader()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 10; i++)
            {
                ids.add(engine.publish(msg("t", Integer.toString(i))));
            }
            final Subscription resumed = engine.subscribe(Filter.all(),
                SubscribeOptions.defaults().resumeAfter(ids.get(4)));
            final List<String> got = new ArrayList<>();
            Await.until(() ->
            {
                engine.reader().drain(resumed, e -> got.add(e.payloadAsString()), 100);
                return got.size() == 5;
            }, () -> "replayed " + got);
            assertThat(got).containsExactly("5", "6", "7", "8", "9");
            assertThat(resumed.replayed()).isEqualTo(5);
        }
    }

    @Test
    void shouldRefuseAnotherEnginesSubscriptionAndANonPositiveLimit()
    {
        try (Engine a = Engine.start(new EngineConfig()); Engine b = Engine.start(new EngineConfig()))
        {
            final Subscription ofB = b.subscribe(Filter.all());
            final EventReader reader = a.reader();
            assertThatThrownBy(() -> reader.drain(ofB, e -> { }, 1))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("another engine");
            final Subscription ofA = a.subscribe(Filter.all());
            assertThatThrownBy(() -> reader.drain(ofA, e -> { }, 0))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("limit");
        }
    }

    @Test
    void shouldAllocateNothingPerDeliveryThroughAReader()
    {
        // a storage the warm-up wraps many times: a slot's payload buffer is created on its first use
        try (Engine engine = Engine.start(new EngineConfig().ringSize(256).historyMaxEvents(256)))
        {
            final List<Subscription> subs = new ArrayList<>();
            for (int i = 0; i < 100; i++)
            {
                subs.add(engine.subscribe(Filter.all()));
            }
            final Subscription[] subscriptions = subs.toArray(new Subscription[0]);
            final EventReader reader = engine.reader();
            final AtomicLong sum = new AtomicLong();
            final EventHandler handler = e -> sum.addAndGet(e.payloadBuffer().getByte(0));
            final EventWriter writer = engine.writer().topic(engine.topic("t")).type("tick");
            final byte[] payload = new byte[32];
            final Runnable round = () ->
            {
                for (int i = 0; i < 100; i++)
                {
                    writer.payload(payload, 0, 32).publish();
                }
                while (subs.get(99).depth() < 100) // no Await here: its lambdas allocate
                {
                    Thread.onSpinWait();
                }
                for (int i = 0; i < 100; i++) // sparse: one event per subscription per pass
                {
                    for (int j = 0; j < subscriptions.length; j++) // no iterator: it could allocate before C2
                    {
                        reader.drain(subscriptions[j], handler, 1);
                    }
                }
            };
            for (int i = 0; i < 100; i++) // warm-up: slots, views and the JIT
            {
                round.run();
            }
            final long callerId = Thread.currentThread().getId();
            final long before = THREADS.getThreadAllocatedBytes(callerId);
            for (int i = 0; i < 50; i++)
            {
                round.run();
            }
            final long caller = THREADS.getThreadAllocatedBytes(callerId) - before;
            // 5,000 events, 500,000 deliveries: one allocation per delivery would be megabytes
            assertThat(caller).as("publisher + reader bytes for 500,000 deliveries").isLessThan(20_000);
            assertThat(subs).allMatch(s -> s.delivered() == 15_000 && s.dropped() == 0);
        }
    }
}

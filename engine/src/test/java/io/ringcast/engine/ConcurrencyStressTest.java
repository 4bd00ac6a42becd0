package io.ringcast.engine;

import io.ringcast.test.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static io.ringcast.engine.TestEvents.msg;
import static org.assertj.core.api.Assertions.assertThat;

/** Stress tests of the hand-written concurrent protocols: the wake-up arming and the prefix index under churn. */
@Timeout(90)
class ConcurrencyStressTest
{
    /**
     * Consumers drain only when woken (like a Netty channel scheduling one drain task per wake-up) and with a small
     * limit, so the arm/re-check race is exercised constantly. A lost wake-up would strand events forever.
     */
    @Test
    void shouldNeverLoseAWakeUpWhenConsumersDrainOnlyOnWakeUps() throws Exception
    {
        final int consumers = 8;
        final int publishers = 2;
        final int perPublisher = 50_000;
        final ScheduledExecutorService loop = Executors.newSingleThreadScheduledExecutor();
        // the consumers may fall the whole burst behind: the storage must retain it, or their positions are overwritten
        // (drops, by design) before they read them
        try (Engine engine = Engine.start(new EngineConfig().historyMaxEvents(1 << 17)))
        {
            final List<AtomicLong> received = new ArrayList<>();
            final List<Subscription> subs = new ArrayList<>();
            for (int c = 0; c < consumers; c++)
            {
                final AtomicLong count = new AtomicLong();
                received.add(count);
                final Subscription[] self = new Subscription[1];
                final Runnable drainTask = new Runnable()
                {
                    @Override
                    public void run()
                    {
                        // like an SSE drain: a small batch, then yield the loop and reschedule if the limit was hit
                        final int n = self[0].drain(e -> count.incrementAndGet(), 7);
                        if (n == 7)
                        {
                            loop.execute(this);
                        }
                    }
                };
                self[0] = engine.subscribe(Filter.all(), SubscribeOptions.defaults().queueCapacity(1 << 17)
                    .listener(new SubscriptionListener()
                    {
                        @Override
                        public void onAvailable()
                        {
                            loop.execute(drainTask);
                        }
                    }));
                subs.add(self[0]);
            }
            final List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < publishers; p++)
            {
                final Thread t = new Thread(() ->
                {
                    for (int i = 0; i < perPublisher; i++)
                    {
                        engine.publish(msg("w", "x"));
                        if ((i & 1023) == 0)
                        {
                            Thread.yield(); // vary batch sizes, so the dispatcher often parks and wakes
                        }
                    }
                });
                threads.add(t);
                t.start();
            }
            for (final Thread t : threads)
            {
                t.join();
            }
            final long total = (long)publishers * perPublisher;
            Await.until(() -> received.stream().allMatch(c -> c.get() == total),
                () -> "consumers stranded: " + received + " " + subs);
            for (final Subscription s : subs)
            {
                assertThat(s.dropped()).isZero();
            }
        }
        finally
        {
            loop.shutdownNow();
            loop.awaitTermination(5, TimeUnit.SECONDS);
        }
    }

    @Test
    void shouldRouteCorrectlyWhilePrefixSubscriptionsComeAndGo()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final Map<String, Subscription> live = new HashMap<>();
            // many distinct prefixes of many lengths, added and removed, forcing rehashes and length-table rebuilds
            for (int round = 0; round < 5; round++)
            {
                for (int i = 0; i < 300; i++)
                {
                    final String prefix = "p".repeat(1 + (i % 7)) + "/" + i + "/";
                    live.computeIfAbsent(prefix, p -> engine.subscribeAsync(Filter.prefix(p),
                        SubscribeOptions.defaults().queueCapacity(64)));
                }
                int removed = 0;
                for (final var it = live.entrySet().iterator(); it.hasNext() && removed < 150; removed++)
                {
                    it.next().getValue().close();
                    it.remove();
                }
            }
            final Subscription probe = engine.subscribe(Filter.topic("probe"));
            for (final Map.Entry<String, Subscription> e : live.entrySet())
            {
                engine.publish(msg(e.getKey() + "leaf", "x"));
            }
            engine.publish(msg("probe", "x"));
            Await.until(() -> probe.delivered() == 1, () -> "not dispatched");
            for (final Map.Entry<String, Subscription> e : live.entrySet())
            {
                assertThat(e.getValue().delivered()).as(e.getKey()).isEqualTo(1);
            }
            assertThat(engine.metrics().activeSubscriptions()).isEqualTo(live.size() + 1);
        }
    }
}

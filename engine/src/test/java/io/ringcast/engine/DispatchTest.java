package io.ringcast.engine;

import io.ringcast.test.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import static io.ringcast.engine.TestEvents.drainUntil;
import static io.ringcast.engine.TestEvents.msg;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(60)
class DispatchTest
{
    @Test
    void shouldEvaluateOnlyMatchingSubscriptionsNotEverySubscriber()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final List<Subscription> subs = new ArrayList<>();
            for (int i = 0; i < 10_000; i++)
            {
                subs.add(engine.subscribeAsync(Filter.topic("t/" + i), SubscribeOptions.defaults().queueCapacity(4)));
            }
            final Subscription lastSub = engine.subscribe(Filter.topic("t/last"));
            final long before = engine.metrics().filterEvaluations();
            for (int i = 0; i < 1_000; i++)
            {
                engine.publish(msg("t/" + (i * 7), "x"));
            }
            engine.publish(msg("t/last", "x"));
            Await.until(() -> lastSub.delivered() == 1, () -> "last event not dispatched");

            // one candidate per event, not 10,001
            assertThat(engine.metrics().filterEvaluations() - before).isEqualTo(1_001);
            assertThat(subs.get(7).delivered()).isEqualTo(1);
            assertThat(subs.get(1).delivered()).isZero();
        }
    }

    @Test
    void shouldIndexPrefixAndAudienceSubscriptions()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            for (int i = 0; i < 1_000; i++)
            {
                engine.subscribeAsync(Filter.topicPattern("p" + i + "/*"), SubscribeOptions.defaults());
                engine.subscribeAsync(Filter.audience("user" + i),
                    SubscribeOptions.defaults().actingFor("user" + i));
            }
            final Subscription orders = engine.subscribe(Filter.topicPattern("orders/*"));
            final Subscription euOrders = engine.subscribe(Filter.topicPattern("orders/eu/*"));
            final Subscription alice = engine.subscribe(Filter.audience("alice"),
                SubscribeOptions.defaults().actingFor("alice"));
            final long before = engine.metrics().filterEvaluations();

            engine.publish(msg("orders/eu/1", "a"));
            engine.publish(msg("orders/us/1", "b"));
            engine.publish(Message.builder("inbox").audience("alice").payload("c").build());
            engine.publish(msg("unrelated/topic", "d"));
            Await.until(() -> engine.metrics().dispatched() == 4, () -> "not dispatched");

            final List<Event> got = new ArrayList<>();
            drainUntil(orders, got, 2);
            assertThat(got).extracting(Event::topic).containsExactly("orders/eu/1", "orders/us/1");
            got.clear();
            drainUntil(euOrders, got, 1);
            assertThat(got).extracting(Event::topic).containsExactly("orders/eu/1");
            got.clear();
            drainUntil(alice, got, 1);
            assertThat(got).extracting(Event::payloadAsString).containsExactly("c");
            // orders/eu/1: 2 prefix candidates; orders/us/1: 1; alice's event: 1; unrelated: 0
            assertThat(engine.metrics().filterEvaluations() - before).isEqualTo(4);
        }
    }

    @Test
    void shouldMatchTypeAttributeAndConjunctionFilters()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final Subscription created = engine.subscribe(Filter.topicPattern("orders/*").and(Filter.type("created")));
            final Subscription region = engine.subscribe(Filter.attribute("region", "eu"));
            final Subscription set = engine.subscribe(Filter.topics("a", "b"));
            final Subscription nothing = engine.subscribe(Filter.topic("a").and(Filter.topic("b")));

            engine.publish(Message.builder("orders/1").type("created").attribute("region", "eu").build());
            engine.publish(Message.builder("orders/2").type("deleted").build());
            engine.publish(Message.builder("a").build());
            engine.publish(Message.builder("b").attribute("region", "us").build());
            Await.until(() -> engine.metrics().dispatched() == 4, () -> "not dispatched");

            assertThat(created.delivered()).isEqualTo(1);
            assertThat(region.delivered()).isEqualTo(1);
            assertThat(set.delivered()).isEqualTo(2);
            assertThat(nothing.delivered()).isZero();
            assertThat(nothing.filter().matchesNothing()).isTrue();
        }
    }

    @Test
    void shouldNeverDeliverPrivateEventsToAnotherUser() throws Exception
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final int users = 50;
            final List<Subscription> perUser = new ArrayList<>();
            for (int u = 0; u < users; u++)
            {
                // every subscription asks for the whole topic, even for others' audience: the rule still holds
                perUser.add(engine.subscribe(Filter.topic("inbox"),
                    SubscribeOptions.defaults().actingFor("user" + u).queueCapacity(4096)));
            }
            final Subscription anonymous = engine.subscribe(Filter.topic("inbox"),
                SubscribeOptions.defaults().queueCapacity(4096));
            final Subscription snoop = engine.subscribe(Filter.audience("user3"),
                SubscribeOptions.defaults().actingFor("user4"));
            for (int i = 0; i < 2_000; i++)
            {
                final String to = "user" + (i % users);
                engine.publish(Message.builder("inbox").audience(to).payload(to).build());
            }
            engine.publish(Message.builder("inbox").payload("public").build());
            Await.until(() -> engine.metrics().dispatched() == 2_001, () -> "not dispatched");

            for (int u = 0; u < users; u++)
            {
                final List<Event> got = new ArrayList<>();
                drainUntil(perUser.get(u), got, 41);
                final String me = "user" + u;
                assertThat(got).allSatisfy(e -> assertThat(e.audience() == null || e.audience().equals(me)).isTrue());
                assertThat(got).hasSize(41);
            }
            final List<Event> anon = new ArrayList<>();
            drainUntil(anonymous, anon, 1);
            assertThat(anon).extracting(Event::payloadAsString).containsExactly("public");
            assertThat(snoop.delivered()).isZero();
        }
    }

    @Test
    void shouldDropOnlyForTheSlowSubscriberAndCountExactly()
    {
        try (Engine engine = Engine.start(new EngineConfig().abandonTimeoutMs(0)))
        {
            final Subscription stalled = engine.subscribe(Filter.all(), SubscribeOptions.defaults().queueCapacity(64));
            final List<Subscription> healthy = new ArrayList<>();
            for (int i = 0; i < 100; i++)
            {
                healthy.add(engine.subscribe(Filter.topic("t"), SubscribeOptions.defaults().queueCapacity(32 * 1024)));
            }
            final int total = 20_000;
            final long[] received = new long[healthy.size()];
            for (int i = 0; i < total; i++)
            {
                final long id = engine.publish(msg("t", "x"));
                assertThat(id).isPositive();
            }
            Await.until(() -> engine.metrics().dispatched() == total, () -> "not dispatched");
            Await.until(() -> drainAll(healthy, received, total), () -> "healthy subscribers missed events");
            for (final Subscription h : healthy)
            {
                assertThat(h.dropped()).isZero();
                assertThat(h.delivered()).isEqualTo(total);
            }
            assertThat(stalled.delivered()).isEqualTo(64);
            assertThat(stalled.dropped()).isEqualTo(total - 64);
            assertThat(stalled.delivered() + stalled.dropped()).isEqualTo(stalled.matched());
            assertThat(stalled.isClosed()).isFalse();
        }
    }

    private static boolean drainAll(final List<Subscription> subs, final long[] received, final long target)
    {
        boolean done = true;
        for (int i = 0; i < subs.size(); i++)
        {
            final int idx = i;
            subs.get(i).drain(e -> received[idx]++, 1 << 16);
            done &= received[i] >= target;
        }
        return done;
    }

    @Test
    void shouldKeepDeliveredPlusDroppedEqualToMatchedUnderLoad() throws Exception
    {
        try (Engine engine = Engine.start(new EngineConfig().abandonTimeoutMs(0)))
        {
            final List<Subscription> subs = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                subs.add(engine.subscribe(i % 2 == 0 ? Filter.all() : Filter.topicPattern("load/" + (i % 4) + "*"),
                    SubscribeOptions.defaults().queueCapacity(16 << (i % 6))));
            }
            final int threads = 4;
            final int perThread = 25_000;
            final CountDownLatch done = new CountDownLatch(threads);
            for (int t = 0; t < threads; t++)
            {
                final int tt = t;
                new Thread(() ->
                {
                    for (int i = 0; i < perThread; i++)
                    {
                        engine.publish(msg("load/" + ((i + tt) % 4), "x"));
                    }
                    done.countDown();
                }).start();
            }
            final Thread consumer = new Thread(() ->
            {
                while (done.getCount() > 0)
                {
                    for (int i = 0; i < subs.size(); i += 3)
                    {
                        subs.get(i).drain(e -> { }, 128);
                    }
                }
            });
            consumer.start();
            assertThat(done.await(30, TimeUnit.SECONDS)).isTrue();
            consumer.join();
            Await.until(() -> engine.metrics().dispatched() == threads * perThread, () -> "not dispatched");
            long dropped = 0;
            for (final Subscription s : subs)
            {
                assertThat(s.delivered() + s.dropped()).as(s.toString()).isEqualTo(s.matched());
                dropped += s.dropped();
            }
            assertThat(subs.get(0).matched()).isEqualTo(threads * perThread);
            assertThat(dropped).isPositive();
            assertThat(engine.metrics().dropped()).isEqualTo(dropped);
        }
    }

    @Test
    void shouldDisconnectASlowSubscriberAfterTheConfiguredOverflow()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            // the listener runs on the dispatcher after the subscription reads as closed: hand it over safely
            final AtomicReference<CloseReason> reason = new AtomicReference<>();
            final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults()
                .queueCapacity(8)
                .policy(SlowConsumerPolicy.DISCONNECT)
                .disconnectAfterDrops(3)
                .listener(new SubscriptionListener()
                {
                    @Override
                    public void onClosed(final CloseReason r)
                    {
                        reason.set(r);
                    }
                }));
            final long firstId = engine.publish(msg("t", "0"));
            for (int i = 1; i < 20; i++)
            {
                engine.publish(msg("t", Integer.toString(i)));
            }
            Await.until(s::isClosed, () -> "not closed: " + s);
            assertThat(s.closeReason()).isEqualTo(CloseReason.SLOW_CONSUMER);
            Await.until(() -> reason.get() != null, () -> "onClosed not called");
            assertThat(reason.get()).isEqualTo(CloseReason.SLOW_CONSUMER);
            assertThat(s.dropped()).isEqualTo(3);
            assertThat(s.delivered()).isEqualTo(8);
            Await.until(() -> engine.metrics().activeSubscriptions() == 0, () -> "not reclaimed");
            // what was queued can still be drained; then the client resumes from the last id it saw
            final List<Event> got = new ArrayList<>();
            s.drain(e -> got.add(e.copy()), 100);
            assertThat(got).hasSize(8);
            final Subscription resumed = engine.subscribe(Filter.all(),
                SubscribeOptions.defaults().resumeAfter(got.get(7).id()));
            final List<Event> rest = new ArrayList<>();
            drainUntil(resumed, rest, 12);
            assertThat(resumed.resumeOutcome()).isEqualTo(ResumeOutcome.EXACT);
            assertThat(rest.get(0).id()).isEqualTo(firstId + 8);
            assertThat(rest.get(11).payloadAsString()).isEqualTo("19");
        }
    }
}

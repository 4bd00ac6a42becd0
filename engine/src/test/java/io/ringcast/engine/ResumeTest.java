package io.ringcast.engine;

import io.ringcast.test.Await;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import static io.ringcast.engine.TestEvents.drainUntil;
import static io.ringcast.engine.TestEvents.msg;
import static org.assertj.core.api.Assertions.assertThat;

@Timeout(120)
class ResumeTest
{
    @Test
    void shouldResumeAtRandomIdsWithNoGapAndNoDuplicateWhilePublishersRunAtFullSpeed() throws Exception
    {
        final int publishers = 4;
        final int perPublisher = 40_000;
        final int total = publishers * perPublisher;
        try (Engine engine = Engine.start(new EngineConfig().historyMaxEvents(1 << 18).abandonTimeoutMs(0)))
        {
            // the ground truth: every event the dispatcher processed, in order
            final Subscription recorder = engine.subscribe(Filter.all(),
                SubscribeOptions.defaults().queueCapacity(1 << 18));
            final ConcurrentHashMap<Long, Boolean> publishedIds = new ConcurrentHashMap<>();
            final AtomicBoolean stop = new AtomicBoolean();
            final List<Thread> threads = new ArrayList<>();
            for (int p = 0; p < publishers; p++)
            {
                final int pp = p;
                final Thread t = new Thread(() ->
                {
                    for (int i = 0; i < perPublisher && !stop.get(); i++)
                    {
                        publishedIds.put(engine.publish(msg("r/" + (i % 3), pp + ":" + i)), Boolean.TRUE);
                    }
                });
                threads.add(t);
                t.start();
            }

            // resumers subscribe at random moments, each after a random id already published
            final List<Resumer> resumers = new ArrayList<>();
            final List<Long> seen = new ArrayList<>();
            while (resumers.size() < 24)
            {
                recorder.drain(e -> seen.add(e.id()), 4096);
                if (seen.size() > 100 && ThreadLocalRandom.current().nextInt(4) == 0)
                {
                    final long after = seen.get(ThreadLocalRandom.current().nextInt(seen.size()));
                    final Filter filter = resumers.size() % 2 == 0 ? Filter.all() : Filter.topic("r/1");
                    resumers.add(new Resumer(after, filter, engine.subscribe(filter,
                        SubscribeOptions.defaults().resumeAfter(after).queueCapacity(1 << 18))));
                }
                Thread.onSpinWait();
                if (seen.size() >= total)
                {
                    break;
                }
            }
            for (final Thread t : threads)
            {
                t.join();
            }
            Await.until(() -> engine.metrics().dispatched() == total, () -> "not dispatched");
            Await.until(() ->
            {
                recorder.drain(e -> seen.add(e.id()), 1 << 16);
                return seen.size() >= total;
            }, () -> "recorder saw " + seen.size());
            assertThat(seen).hasSize(total);

            for (final Resumer r : resumers)
            {
                final List<Long> expected = new ArrayList<>();
                for (final Long id : seen)
                {
                    if (id > r.after && (r.filter == Filter.all() || topicOf(engine, id).equals("r/1")))
                    {
                        expected.add(id);
                    }
                }
                final List<Event> got = new ArrayList<>();
                drainUntil(r.subscription, got, expected.size());
                assertThat(r.subscription.resumeOutcome()).isEqualTo(ResumeOutcome.EXACT);
                assertThat(got).extracting(Event::id).as("resume after %d", r.after).containsExactlyElementsOf(expected);
                assertThat(r.subscription.poll()).isNull();
            }
        }
    }

    private static String topicOf(final Engine engine, final long id)
    {
        final Event view = new Event();
        assertThat(engine.history().copy(id - engine.firstId(), view)).as("event %d still retained", id).isTrue();
        return view.topic();
    }

    private record Resumer(long after, Filter filter, Subscription subscription)
    {
    }

    @Test
    void shouldReportAGapAndStartFromTheOldestRetainedEventWhenTheIdIsTooOld()
    {
        try (Engine engine = Engine.start(new EngineConfig().historyMaxEvents(10)))
        {
            final List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 30; i++)
            {
                ids.add(engine.publish(msg("t", Integer.toString(i))));
            }
            Await.until(() -> engine.metrics().dispatched() == 30, () -> "not dispatched");
            assertThat(engine.metrics().historySize()).isEqualTo(10);

            final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().resumeAfter(ids.get(5)));
            final List<Event> got = new ArrayList<>();
            drainUntil(s, got, 10);
            assertThat(s.resumeOutcome()).isEqualTo(ResumeOutcome.GAP);
            assertThat(got.get(0).id()).isEqualTo(ids.get(20));

            // the oldest retained minus one is still exact
            final Subscription exact = engine.subscribe(Filter.all(),
                SubscribeOptions.defaults().resumeAfter(ids.get(19)));
            final List<Event> got2 = new ArrayList<>();
            drainUntil(exact, got2, 10);
            assertThat(exact.resumeOutcome()).isEqualTo(ResumeOutcome.EXACT);
        }
    }

    @Test
    void shouldReportAGapForAnUnknownOrEarlierRunId()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final long id = engine.publish(msg("t", "a"));
            Await.until(() -> engine.metrics().dispatched() == 1, () -> "not dispatched");
            final Subscription future = engine.subscribe(Filter.all(), SubscribeOptions.defaults().resumeAfter(id + 1000));
            final Subscription earlierRun = engine.subscribe(Filter.all(), SubscribeOptions.defaults().resumeAfter(5));
            final List<Event> a = new ArrayList<>();
            final List<Event> b = new ArrayList<>();
            drainUntil(future, a, 1);
            drainUntil(earlierRun, b, 1);
            assertThat(future.resumeOutcome()).isEqualTo(ResumeOutcome.GAP);
            assertThat(earlierRun.resumeOutcome()).isEqualTo(ResumeOutcome.GAP);
            assertThat(a.get(0).id()).isEqualTo(id);
            final Subscription live = engine.subscribe(Filter.all());
            assertThat(live.resumeOutcome()).isEqualTo(ResumeOutcome.NONE);
            final Subscription atHead = engine.subscribe(Filter.all(), SubscribeOptions.defaults().resumeAfter(id));
            assertThat(atHead.resumeOutcome()).isEqualTo(ResumeOutcome.EXACT);
            assertThat(atHead.poll()).isNull();
        }
    }

    @Test
    void shouldServeResumesOlderThanMemoryFromTheEventLog()
    {
        final List<Event> durable = new ArrayList<>();
        final EventLog log = (afterId, beforeId, sink) ->
        {
            synchronized (durable)
            {
                durable.stream().filter(e -> e.id() > afterId && e.id() < beforeId).forEach(sink);
            }
            return true;
        };
        final EventStage recorder = (event, endOfBatch) ->
        {
            synchronized (durable)
            {
                durable.add(event);
            }
        };
        try (Engine engine = Engine.start(new EngineConfig().historyMaxEvents(5).eventLog(log).stage(recorder)))
        {
            final List<Long> ids = new ArrayList<>();
            for (int i = 0; i < 20; i++)
            {
                ids.add(engine.publish(msg(i % 2 == 0 ? "even" : "odd", Integer.toString(i))));
            }
            Await.until(() -> engine.metrics().dispatched() == 20, () -> "not dispatched");
            final Subscription s = engine.subscribe(Filter.topic("even"),
                SubscribeOptions.defaults().resumeAfter(ids.get(2)));
            final List<Event> got = new ArrayList<>();
            drainUntil(s, got, 8);
            assertThat(s.resumeOutcome()).isEqualTo(ResumeOutcome.EXACT);
            assertThat(got).extracting(Event::payloadAsString).containsExactly("4", "6", "8", "10", "12", "14", "16", "18");
            engine.publish(msg("even", "20"));
            drainUntil(s, got, 9);
            assertThat(got.get(8).payloadAsString()).isEqualTo("20");
        }
    }

    @Test
    void shouldReportAGapWhenTheEventLogCannotCoverTheRange()
    {
        final EventLog failing = (afterId, beforeId, sink) ->
        {
            throw new IllegalStateException("database down");
        };
        final List<Throwable> errors = new ArrayList<>();
        try (Engine engine = Engine.start(new EngineConfig().historyMaxEvents(2).eventLog(failing)
            .errorHandler((where, t) -> errors.add(t))))
        {
            final long first = engine.publish(msg("t", "0"));
            for (int i = 1; i < 5; i++)
            {
                engine.publish(msg("t", Integer.toString(i)));
            }
            Await.until(() -> engine.metrics().dispatched() == 5, () -> "not dispatched");
            final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().resumeAfter(first));
            final List<Event> got = new ArrayList<>();
            drainUntil(s, got, 2);
            assertThat(s.resumeOutcome()).isEqualTo(ResumeOutcome.GAP);
            assertThat(got).extracting(Event::payloadAsString).containsExactly("3", "4");
            assertThat(engine.metrics().errors()).isEqualTo(1);
        }
    }

    @Test
    void shouldReportTheFinalOutcomeOfAnEventLogResumeToTheListenerBeforeItsWakeUp()
    {
        final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        final EventLog slow = (afterId, beforeId, sink) ->
        {
            try
            {
                release.await();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            return true;
        };
        try (Engine engine = Engine.start(new EngineConfig().historyMaxEvents(2).eventLog(slow)))
        {
            final long first = engine.publish(msg("t", "0"));
            for (int i = 1; i < 5; i++)
            {
                engine.publish(msg("t", Integer.toString(i)));
            }
            Await.until(() -> engine.metrics().dispatched() == 5, () -> "not dispatched");
            final List<String> calls = java.util.Collections.synchronizedList(new ArrayList<>());
            final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().resumeAfter(first)
                .listener(new SubscriptionListener()
                {
                    @Override
                    public void onRegistered(final ResumeOutcome outcome)
                    {
                        calls.add("registered " + outcome);
                    }

                    @Override
                    public void onResumeOutcome(final ResumeOutcome outcome)
                    {
                        calls.add("outcome " + outcome);
                    }

                    @Override
                    public void onAvailable()
                    {
                        calls.add("available");
                    }
                }));
            Await.until(() -> calls.size() == 1, () -> "not registered: " + calls);
            assertThat(s.resumeOutcome()).isEqualTo(ResumeOutcome.PENDING);
            release.countDown();
            Await.until(() -> calls.size() == 3, () -> "no outcome and wake-up: " + calls);
            assertThat(calls).containsExactly("registered PENDING", "outcome EXACT", "available");
            assertThat(s.resumeOutcome()).isEqualTo(ResumeOutcome.EXACT);
        }
    }

    @Test
    void shouldWakeAResumingListenerSoItCanSeeTheReplay()
    {
        try (Engine engine = Engine.start(new EngineConfig()))
        {
            final long first = engine.publish(msg("t", "0"));
            engine.publish(msg("t", "1"));
            Await.until(() -> engine.metrics().dispatched() == 2, () -> "not dispatched");
            final int[] wakes = new int[1];
            final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().resumeAfter(first)
                .listener(new SubscriptionListener()
                {
                    @Override
                    public void onAvailable()
                    {
                        wakes[0]++;
                    }
                }));
            Await.until(() -> wakes[0] == 1, () -> "no wake-up for the replay");
            final List<Event> got = new ArrayList<>();
            final Consumer<Event> add = e -> got.add(e.copy());
            assertThat(s.drain(add::accept, 10)).isEqualTo(1);
            assertThat(got.get(0).payloadAsString()).isEqualTo("1");
        }
    }
}

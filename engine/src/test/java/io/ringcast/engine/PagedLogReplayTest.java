package io.ringcast.engine;

import io.ringcast.test.Await;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import static io.ringcast.engine.TestEvents.drainUntil;
import static io.ringcast.engine.TestEvents.msg;
import static org.assertj.core.api.Assertions.assertThat;

/** Resumes served from a durable log that is read page by page, as the subscriber takes each page. */
@Timeout(60)
class PagedLogReplayTest
{
    /** A log over the events an engine stage recorded, read through readers that count their pages and closes. */
    private static final class RecordedLog implements EventLog, EventStage
    {
        final List<Event> events = new ArrayList<>();
        final AtomicInteger opened = new AtomicInteger();
        final AtomicInteger closed = new AtomicInteger();
        final AtomicInteger pages = new AtomicInteger();
        /** A reader reports a hole from this page on (1-based), or never. */
        volatile int holeFromPage = Integer.MAX_VALUE;

        @Override
        public synchronized void onEvent(final Event event, final boolean endOfBatch)
        {
            events.add(event.copy());
        }

        @Override
        public boolean replay(final long afterId, final long beforeId, final java.util.function.Consumer<Event> sink)
        {
            throw new AssertionError("a log with a reader is read page by page");
        }

        @Override
        public Reader reader(final long afterId, final long beforeId)
        {
            opened.incrementAndGet();
            return new Reader()
            {
                private long last = afterId;
                private int read;
                private boolean complete = true;

                @Override
                public Page read(final Predicate<Event> sink)
                {
                    pages.incrementAndGet();
                    if (++read >= holeFromPage)
                    {
                        complete = false;
                    }
                    final List<Event> snapshot;
                    synchronized (RecordedLog.this)
                    {
                        snapshot = new ArrayList<>(events);
                    }
                    for (final Event e : snapshot)
                    {
                        if (e.id() > last && e.id() < beforeId)
                        {
                            last = e.id();
                            if (!sink.test(e))
                            {
                                return Page.MORE;
                            }
                        }
                    }
                    return Page.END;
                }

                @Override
                public boolean complete()
                {
                    return complete;
                }

                @Override
                public void close()
                {
                    closed.incrementAndGet();
                }
            };
        }
    }

    private static Engine engine(final RecordedLog log, final int pageEvents)
    {
        return Engine.start(new EngineConfig().historyMaxEvents(4).eventLog(log).stage(log)
            .maxLogReplayEvents(1).logReplayPage(pageEvents, 1 << 20));
    }

    private static long publish(final Engine engine, final int n)
    {
        final long first = engine.publish(msg("t", "0"));
        for (int i = 1; i < n; i++)
        {
            engine.publish(msg("t", Integer.toString(i)));
        }
        Await.until(() -> engine.metrics().dispatched() == n, () -> "not dispatched");
        return first;
    }

    @Test
    void shouldServeAResumeLongerThanOnePageExactlyAndCloseItsReader()
    {
        final RecordedLog log = new RecordedLog();
        try (Engine engine = engine(log, 3))
        {
            final long first = publish(engine, 40);
            final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().resumeAfter(first));
            final List<Event> got = new ArrayList<>();
            drainUntil(s, got, 39);
            assertThat(s.resumeOutcome()).isEqualTo(ResumeOutcome.EXACT);
            for (int i = 0; i < 39; i++)
            {
                assertThat(got.get(i).payloadAsString()).isEqualTo(Integer.toString(i + 1));
            }
            assertThat(log.pages.get()).isGreaterThan(10);
            Await.until(() -> log.closed.get() == 1, () -> "reader closed " + log.closed.get() + " times");
            engine.publish(msg("t", "live"));
            drainUntil(s, got, 40);
            assertThat(got.get(39).payloadAsString()).isEqualTo("live");
        }
    }

    @Test
    void shouldWakeAListenerDrivenConsumerForEveryPage() throws Exception
    {
        final RecordedLog log = new RecordedLog();
        try (Engine engine = engine(log, 3))
        {
            final long first = publish(engine, 40);
            final java.util.concurrent.Semaphore available = new java.util.concurrent.Semaphore(0);
            final SubscriptionListener listener = new SubscriptionListener()
            {
                @Override
                public void onAvailable()
                {
                    available.release();
                }
            };
            final Subscription s = engine.subscribe(Filter.all(),
                SubscribeOptions.defaults().resumeAfter(first).listener(listener));
            final List<Event> got = new ArrayList<>();
            // drains only when woken, as an event loop does: a page whose wake-up were lost would stall the replay
            while (got.size() < 39)
            {
                assertThat(available.tryAcquire(10, java.util.concurrent.TimeUnit.SECONDS))
                    .as("woken for more after %d events", got.size()).isTrue();
                while (s.drain(e -> got.add(e.copy()), 1_000) > 0)
                {
                    // drains until the subscription arms its wake-up
                }
            }
            assertThat(got).extracting(Event::payloadAsString).startsWith("1", "2", "3", "4").endsWith("39");
        }
    }

    @Test
    void shouldCloseTheReaderOfASubscriptionClosedInTheMiddleOfItsReplay()
    {
        final RecordedLog log = new RecordedLog();
        try (Engine engine = engine(log, 2))
        {
            final long first = publish(engine, 30);
            final Subscription s = engine.subscribe(Filter.all(), SubscribeOptions.defaults().resumeAfter(first));
            final List<Event> got = new ArrayList<>();
            drainUntil(s, got, 3);
            s.close();
            Await.until(() -> log.closed.get() == 1, () -> "reader closed " + log.closed.get() + " times");
            assertThat(log.opened.get()).isEqualTo(1);
        }
    }

    @Test
    void shouldCountAHoleFoundAfterTheFirstPageAsAMissAndDisconnect()
    {
        final RecordedLog log = new RecordedLog();
        log.holeFromPage = 3;
        try (Engine engine = engine(log, 2))
        {
            final long first = publish(engine, 30);
            final Subscription s = engine.subscribe(Filter.all(),
                SubscribeOptions.defaults().resumeAfter(first).policy(SlowConsumerPolicy.DISCONNECT));
            final List<Event> got = new ArrayList<>();
            Await.until(() ->
            {
                s.drain(e -> got.add(e.copy()), 100);
                return s.isClosed();
            }, () -> "not closed: " + s);
            assertThat(s.resumeOutcome()).isEqualTo(ResumeOutcome.EXACT);
            assertThat(s.replayMissed()).isEqualTo(1);
            assertThat(s.closeReason()).isEqualTo(CloseReason.SLOW_CONSUMER);
            assertThat(got).extracting(Event::payloadAsString).startsWith("1", "2", "3", "4");
            Await.until(() -> log.closed.get() == 1, () -> "reader closed " + log.closed.get() + " times");
        }
    }
}

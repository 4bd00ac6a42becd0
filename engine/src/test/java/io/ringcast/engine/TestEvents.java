package io.ringcast.engine;

import io.ringcast.test.Await;

import java.util.List;
import java.util.concurrent.CountDownLatch;

/** Messages and drains the engine's tests share. Thread-safety: stateless. */
final class TestEvents
{
    private TestEvents()
    {
    }

    /** Drains {@code s} into {@code sink} until it holds {@code count} events (or more, as a batch may overshoot). */
    static void drainUntil(final Subscription s, final List<Event> sink, final int count)
    {
        Await.until(() ->
        {
            while (sink.size() < count && s.drain(e -> sink.add(e.copy()), 4096) > 0)
            {
                // drains what is queued before the next poll
            }
            return sink.size() >= count;
        }, () -> "expected " + count + " events, got " + sink.size() + " on " + s);
    }

    /**
     * @return an enricher that holds the dispatcher on its first event until {@code release} opens: the ring then
     *         fills up behind it.
     */
    static Enricher stuckUntil(final CountDownLatch release)
    {
        return event ->
        {
            try
            {
                release.await();
            }
            catch (final InterruptedException e)
            {
                Thread.currentThread().interrupt();
            }
            return event.attributes();
        };
    }

    static Message msg(final String topic, final String payload)
    {
        return Message.builder(topic).payload(payload).build();
    }
}

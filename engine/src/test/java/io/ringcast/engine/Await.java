package io.ringcast.engine;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits on conditions with deadlines; tests never sleep-and-hope. */
final class Await
{
    static final Duration DEFAULT = Duration.ofSeconds(20);

    private Await()
    {
    }

    static void until(final BooleanSupplier condition, final Supplier<String> whatFailed)
    {
        until(condition, DEFAULT, whatFailed);
    }

    static void until(final BooleanSupplier condition, final Duration timeout, final Supplier<String> whatFailed)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("condition not met within " + timeout + ": " + whatFailed.get());
            }
            LockSupport.parkNanos(200_000);
        }
    }

    /** Drains {@code s} into {@code sink} until it holds {@code count} events. */
    static void drainUntil(final Subscription s, final List<Event> sink, final int count)
    {
        until(() ->
        {
            s.drain(e -> sink.add(e.copy()), 4096);
            return sink.size() >= count;
        }, () -> "expected " + count + " events, got " + sink.size() + " on " + s);
    }

    static Message msg(final String topic, final String payload)
    {
        return Message.builder(topic).payload(payload).build();
    }
}

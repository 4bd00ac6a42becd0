package io.ringcast.journal;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits on conditions with deadlines; tests never sleep-and-hope. */
final class Await
{
    private Await()
    {
    }

    static void until(final BooleanSupplier condition, final Supplier<String> whatFailed)
    {
        final Duration timeout = Duration.ofSeconds(30);
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
}

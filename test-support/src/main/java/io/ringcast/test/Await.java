package io.ringcast.test;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits on conditions with a deadline, polling every few milliseconds; fails with a description and the state seen. */
public final class Await
{
    private static final long POLL_MS = 5;

    private Await()
    {
    }

    public static void until(final Duration timeout, final String what, final BooleanSupplier condition)
    {
        until(timeout, what, condition, () -> "");
    }

    public static void until(
        final Duration timeout, final String what, final BooleanSupplier condition, final Supplier<String> state)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError("timed out after " + timeout.toMillis() + " ms waiting for: " + what +
                    stateSuffix(state));
            }
            try
            {
                Thread.sleep(POLL_MS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting for: " + what, ex);
            }
        }
    }

    private static String stateSuffix(final Supplier<String> state)
    {
        final String text = state.get();
        return text.isEmpty() ? "" : " (last state: " + text + ")";
    }
}

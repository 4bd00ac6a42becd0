package io.ringcast.test;

import java.time.Duration;
import java.util.concurrent.locks.LockSupport;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Waits on conditions with a deadline; tests never sleep-and-hope. Polls first every 200 µs, backing off to every
 * 5 ms, so a condition met at once is seen at once and a long wait does not hammer what it polls. Fails with an
 * {@link AssertionError} that says what was awaited and the state last seen.
 *
 * <p>Thread-safety: stateless; call from any thread.
 */
public final class Await
{
    /** The timeout of the overloads that take none: generous, since it is only reached when a test fails. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private static final long FIRST_POLL_NS = 200_000;
    private static final long MAX_POLL_NS = 5_000_000;

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
        await(timeout, condition, () -> "timed out after " + timeout.toMillis() + " ms waiting for: " + what +
            stateSuffix(state));
    }

    /** Waits up to {@link #DEFAULT_TIMEOUT}; {@code whatFailed} is evaluated only on failure, to describe it. */
    public static void until(final BooleanSupplier condition, final Supplier<String> whatFailed)
    {
        until(condition, DEFAULT_TIMEOUT, whatFailed);
    }

    /** Waits up to {@code timeout}; {@code whatFailed} is evaluated only on failure, to describe it. */
    public static void until(final BooleanSupplier condition, final Duration timeout, final Supplier<String> whatFailed)
    {
        await(timeout, condition, () -> "condition not met within " + timeout + ": " + whatFailed.get());
    }

    private static void await(final Duration timeout, final BooleanSupplier condition, final Supplier<String> failure)
    {
        final long deadline = System.nanoTime() + timeout.toNanos();
        long pollNs = FIRST_POLL_NS;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() - deadline > 0)
            {
                throw new AssertionError(failure.get());
            }
            LockSupport.parkNanos(pollNs);
            if (Thread.interrupted())
            {
                Thread.currentThread().interrupt();
                throw new AssertionError("interrupted while waiting: " + failure.get());
            }
            pollNs = Math.min(MAX_POLL_NS, pollNs * 2);
        }
    }

    private static String stateSuffix(final Supplier<String> state)
    {
        final String text = state.get();
        return text.isEmpty() ? "" : " (last state: " + text + ")";
    }
}

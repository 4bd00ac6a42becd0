package io.ringcast.relay.pg;

import java.util.concurrent.ThreadLocalRandom;

/**
 * Exponential reconnect delay with jitter: each failure doubles the ceiling up to a maximum, and the delay is drawn
 * uniformly from the upper half of the ceiling so that nodes which lost PostgreSQL together do not return together.
 * Not thread-safe: one instance per relay thread.
 */
final class Backoff
{
    private final long minMs;
    private final long maxMs;
    private long ceilingMs;

    Backoff(final long minMs, final long maxMs)
    {
        this.minMs = minMs;
        this.maxMs = maxMs;
        this.ceilingMs = minMs;
    }

    /** @return the next delay in milliseconds; doubles the ceiling for the one after. */
    long nextDelayMs()
    {
        final long c = ceilingMs;
        ceilingMs = Math.min(maxMs, c * 2);
        return c / 2 + ThreadLocalRandom.current().nextLong(c / 2 + 1);
    }

    /** After a success: the next failure waits about {@code minMs} again. */
    void reset()
    {
        ceilingMs = minMs;
    }

    /** Sleeps for {@link #nextDelayMs()}; returns early with the interrupt flag set when interrupted. */
    void pause()
    {
        try
        {
            Thread.sleep(nextDelayMs());
        }
        catch (final InterruptedException e)
        {
            Thread.currentThread().interrupt();
        }
    }
}

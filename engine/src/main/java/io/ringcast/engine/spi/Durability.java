package io.ringcast.engine.spi;

import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * How far this node's events are durable at one level (synced to the local journal, committed to a replication's
 * store): a watermark over event ids. Every local event with an id at or below {@link #durableId()} is stored, so a
 * publisher that knows the last id it was given can wait for it ({@code POST /publish?ack=durable}).
 *
 * <p>Waiting allocates nothing: {@link #requestDurable} is a CAS on a number, {@link #durableId()} a volatile read,
 * and {@link #awaitDurable} spins, then parks, on those two.
 *
 * <p>Thread-safety: every method from any thread; only {@link #awaitDurable} blocks (never call it on an event loop
 * or the dispatcher).
 */
public interface Durability
{
    /** @return the highest id at or below which every local event is durable; -1 before any. Never blocks. */
    long durableId();

    /** Asks for {@code id} to become durable as soon as possible (a sync, a flush); never blocks, never allocates. */
    void requestDurable(long id);

    /**
     * @return why events cannot become durable now (disk full, store unreachable), or {@code null} while they can.
     *         For messages only.
     */
    String unavailableReason();

    /**
     * @return {@code true} when a local event with an id in {@code [firstId, lastId]} will never be durable at this
     *         level although {@link #durableId()} passed it (dropped at a bound, deleted by retention before it was
     *         stored); the default {@code false}.
     */
    default boolean lostWithin(final long firstId, final long lastId)
    {
        return false;
    }

    /**
     * Blocks until {@code id} is durable or the timeout passes. Allocates nothing.
     *
     * @return {@code true} once {@code id} is durable.
     */
    default boolean awaitDurable(final long id, final long timeout, final TimeUnit unit)
    {
        if (durableId() >= id)
        {
            return true;
        }
        requestDurable(id);
        final long deadline = System.nanoTime() + unit.toNanos(timeout);
        int spins = 0;
        while (durableId() < id)
        {
            if (System.nanoTime() - deadline >= 0 || Thread.currentThread().isInterrupted())
            {
                return false;
            }
            if (++spins < 100)
            {
                Thread.onSpinWait();
            }
            else
            {
                LockSupport.parkNanos(20_000);
            }
        }
        return true;
    }

    /**
     * @return a durability that holds an id once both hold it (the lower watermark); {@code second} may be
     *         {@code null}, then {@code first} itself. Allocates once, here.
     */
    static Durability both(final Durability first, final Durability second)
    {
        if (second == null)
        {
            return first;
        }
        if (first == null)
        {
            return second;
        }
        return new Durability()
        {
            @Override
            public long durableId()
            {
                return Math.min(first.durableId(), second.durableId());
            }

            @Override
            public void requestDurable(final long id)
            {
                first.requestDurable(id);
                second.requestDurable(id);
            }

            @Override
            public String unavailableReason()
            {
                final String a = first.unavailableReason();
                return a != null ? a : second.unavailableReason();
            }

            @Override
            public boolean lostWithin(final long firstId, final long lastId)
            {
                return first.lostWithin(firstId, lastId) || second.lostWithin(firstId, lastId);
            }
        };
    }
}

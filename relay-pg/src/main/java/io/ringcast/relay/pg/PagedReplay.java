package io.ringcast.relay.pg;

import io.ringcast.engine.Event;

import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A replay handed to its consumer page by page while the next page is read ahead on an executor: at most two pages
 * in memory (the one being sent and the next), one read under way at a time. The pages come from a {@link PageSource}
 * ({@link OutboxPages}: the outbox rows a {@link ReplicaResume} owes its client, however many there are).
 *
 * <p>A page may report a {@linkplain #failure() failure} (rows pruned during the replay, PostgreSQL failed): the
 * replay ends there, and the resume ends the stream so the client, resuming again from its last id, is told what it
 * lost.
 *
 * <p><b>Hand-over.</b> The consumer thread owns {@code current}; the fetcher owns the source while {@code fetching} is
 * set, which only one party can set (compare-and-set), so exactly one read is under way at a time. The fetcher
 * publishes a page with a volatile write of {@code next}, then clears {@code fetching}, then wakes the consumer. The
 * consumer takes {@code next} and clears it before it schedules the next read; a consumer that wins {@code fetching}
 * re-reads {@code next} (it may have just been published, by the read whose clearing the compare-and-set observed) and
 * backs off if it is there. So a page is never overwritten and never missed, and a page published after the consumer
 * found none comes with a wake-up ({@code PagedReplayHandOverTest} in the jcstress module).
 *
 * <p>Threads: {@link #poll}, {@link #finished}, {@link #failure} and {@link #loaded} from the consumer thread only
 * (one at a time, like {@code Subscription.drain}); {@link #close} from any thread.
 */
final class PagedReplay implements AutoCloseable
{
    /** One page: its events, whether it is the last, and why the replay cannot go on (or {@code null}). */
    record Page(List<Event> events, boolean last, String failure)
    {
    }

    /** Where the pages come from; used by one thread at a time (the hand-over orders the uses). */
    interface PageSource
    {
        /** @return the next page; {@code last} once nothing follows. */
        Page read() throws SQLException;

        /** Releases what the source holds. Idempotent. */
        void close();
    }

    private final Executor executor;
    private final PageSource source;
    private final Runnable wake;
    private final AtomicBoolean fetching = new AtomicBoolean();
    private volatile Page next;
    private volatile boolean closed;
    private Page current;
    private int index;

    /**
     * Reads the first page on the calling thread and starts reading the next one ahead.
     *
     * @param source the pages; the replay owns it from now on and closes it after the last page or on close.
     * @param wake   called (from the executor's thread) when a page has been read.
     * @throws SQLException when the first page cannot be read; the source is closed.
     */
    PagedReplay(final Executor executor, final PageSource source, final Runnable wake) throws SQLException
    {
        this.executor = executor;
        this.source = source;
        this.wake = wake;
        try
        {
            current = source.read();
        }
        catch (final SQLException | RuntimeException e)
        {
            source.close();
            throw e;
        }
        if (current.last || current.failure != null)
        {
            source.close();
        }
        else
        {
            schedule();
        }
    }

    /** @return the next owed event, or {@code null} when none is loaded yet (a fetch will wake the consumer) or left. */
    Event poll()
    {
        while (true)
        {
            if (index < current.events.size())
            {
                return current.events.get(index++);
            }
            if (current.last || current.failure != null)
            {
                return null;
            }
            final Page p = next;
            if (p == null)
            {
                schedule();
                return null;
            }
            next = null;
            current = p;
            index = 0;
            if (!p.last && p.failure == null)
            {
                schedule();
            }
        }
    }

    /** @return {@code true} once every owed row has been handed out. */
    boolean finished()
    {
        return current.last && index == current.events.size();
    }

    /** @return why the replay cannot go on (rows pruned during it, or PostgreSQL failed), once reached; else null. */
    String failure()
    {
        return index == current.events.size() ? current.failure : null;
    }

    /** @return events loaded and not handed out yet (at most two pages). */
    int loaded()
    {
        final Page p = next;
        return current.events.size() - index + (p == null ? 0 : p.events.size());
    }

    private void schedule()
    {
        if (closed || !fetching.compareAndSet(false, true))
        {
            return;
        }
        if (next != null)
        {
            fetching.set(false);
            return;
        }
        try
        {
            executor.execute(this::fetch);
        }
        catch (final RejectedExecutionException e)
        {
            source.close();
            next = new Page(List.of(), false, "the relay is closing");
            fetching.set(false);
            wake.run();
        }
    }

    /** Fetcher thread, while {@code fetching} is set. */
    void fetch()
    {
        Page p;
        try
        {
            p = closed ? null : source.read();
        }
        catch (final SQLException | RuntimeException e)
        {
            p = new Page(List.of(), false, "reading the outbox failed: " + e.getMessage());
        }
        if (p != null)
        {
            if (p.last || p.failure != null)
            {
                source.close();
            }
            next = p;
        }
        fetching.set(false);
        if (closed && fetching.compareAndSet(false, true))
        {
            source.close();
        }
        wake.run();
    }

    /** Stops reading ahead and closes the source (now, or when the read under way ends). Idempotent. */
    @Override
    public void close()
    {
        closed = true;
        if (fetching.compareAndSet(false, true))
        {
            source.close();
        }
    }
}

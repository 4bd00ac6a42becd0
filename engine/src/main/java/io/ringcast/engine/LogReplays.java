package io.ringcast.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;

/**
 * Serves resumes older than the history from the durable {@link EventLog}, on one replay thread of its own (started
 * at the first such resume): page by page when the log has an {@link EventLog.Reader} (the next page is read when the
 * subscriber has taken the previous one, so resumes take turns page by page), whole and bounded by
 * {@link EngineConfig#maxLogReplayEvents()} otherwise. Each page is handed to the subscriber's {@link ReplayCursor}.
 *
 * <p>Thread-safety: {@link #replay} on the dispatcher thread (which starts the replay thread); {@link #readNextPage}
 * on a subscriber's consumer thread and {@link #closeReader} on any thread, both only for a reader this class handed
 * out (so after the replay thread started); {@link #close} on the thread closing the engine. Readers are read and
 * closed only on the replay thread, one task at a time.
 */
final class LogReplays implements AutoCloseable
{
    private final EventLog log;
    private final int maxWholeRangeEvents;
    private final int pageEvents;
    private final long pageBytes;
    private final ErrorHandler errors;
    private final String threadName;
    private volatile ExecutorService executor;

    LogReplays(final EventLog log, final EngineConfig config, final ErrorHandler errors)
    {
        this.log = log;
        this.maxWholeRangeEvents = config.maxLogReplayEvents();
        this.pageEvents = config.logReplayPageEvents();
        this.pageBytes = config.logReplayPageBytes();
        this.errors = errors;
        this.threadName = "ringcast-replay-" + config.nodeId();
    }

    /** Dispatcher thread: reads {@code (afterId, beforeId)} off-thread, then hands the first page to {@code s}. */
    void replay(final Subscriber s, final long afterId, final long beforeId)
    {
        executor().execute(() ->
        {
            final EventLog.Reader reader;
            try
            {
                reader = log.reader(afterId, beforeId);
            }
            catch (final Throwable t)
            {
                errors.onError("eventLog", t);
                s.logReplayDone(List.of(), ResumeOutcome.GAP, null);
                return;
            }
            if (reader == null)
            {
                replayWholeRange(s, afterId, beforeId);
            }
            else
            {
                readPage(s, reader, true);
            }
        });
    }

    /** Consumer thread: the subscriber took its page; the next is read off-thread. */
    void readNextPage(final Subscriber s, final EventLog.Reader reader)
    {
        try
        {
            executor().execute(() -> readPage(s, reader, false));
        }
        catch (final RejectedExecutionException closing)
        {
            closeQuietly(reader);
            s.logPageRead(List.of(), false, null);
        }
    }

    /** Any thread: a subscriber that will read no more pages gives its reader back. */
    void closeReader(final EventLog.Reader reader)
    {
        try
        {
            executor().execute(() -> closeQuietly(reader)); // on the replay thread: never during a read
        }
        catch (final RejectedExecutionException closing)
        {
            closeQuietly(reader);
        }
    }

    /** Stops the replay thread; replays under way end (their subscriptions are being closed with the engine). */
    @Override
    public void close()
    {
        final ExecutorService e = executor;
        if (e != null)
        {
            e.shutdownNow();
        }
    }

    private ExecutorService executor()
    {
        ExecutorService e = executor;
        if (e == null)
        {
            e = Executors.newSingleThreadExecutor(r ->
            {
                final Thread t = new Thread(r, threadName);
                t.setDaemon(true);
                return t;
            });
            executor = e;
        }
        return e;
    }

    /** Replay thread: one page, bounded in events and payload bytes. */
    private void readPage(final Subscriber s, final EventLog.Reader reader, final boolean first)
    {
        if (s.isClosed())
        {
            closeQuietly(reader);
            return;
        }
        final List<Event> page = new ArrayList<>(Math.min(pageEvents, 1_024));
        final long[] bytes = new long[1];
        boolean more;
        boolean complete;
        try
        {
            more = reader.read(e ->
            {
                page.add(e);
                bytes[0] += e.payloadLength();
                return page.size() < pageEvents && bytes[0] < pageBytes;
            }) == EventLog.Page.MORE;
            complete = reader.complete();
        }
        catch (final Throwable t)
        {
            errors.onError("eventLog", t);
            more = false;
            complete = false;
        }
        if (!more)
        {
            closeQuietly(reader);
        }
        if (first)
        {
            s.logReplayDone(page, complete ? ResumeOutcome.EXACT : ResumeOutcome.GAP, more ? reader : null);
        }
        else
        {
            s.logPageRead(page, complete, more ? reader : null);
        }
    }

    private void replayWholeRange(final Subscriber s, final long afterId, final long beforeId)
    {
        final List<Event> events = new ArrayList<>();
        boolean complete;
        try
        {
            complete = log.replay(afterId, beforeId, e ->
            {
                if (events.size() < maxWholeRangeEvents)
                {
                    events.add(e);
                }
            }) && events.size() < maxWholeRangeEvents;
        }
        catch (final Throwable t)
        {
            errors.onError("eventLog", t);
            complete = false;
        }
        s.logReplayDone(events, complete ? ResumeOutcome.EXACT : ResumeOutcome.GAP, null);
    }

    private void closeQuietly(final EventLog.Reader reader)
    {
        try
        {
            reader.close();
        }
        catch (final Throwable t)
        {
            errors.onError("eventLog", t);
        }
    }
}

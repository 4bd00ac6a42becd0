package io.ringcast.engine;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import java.util.List;
import java.util.function.Consumer;

/**
 * A resuming subscription's way through its replay: first the events the durable log returned (when the
 * {@link ResumePlan} asked it), page by page when the log has an {@link EventLog.Reader}, then the history range
 * {@code [next, end]} up to where live delivery took over; then it is done and the subscription reads its queue.
 * Events the history evicted before the replay reached them, and a hole the log's reader finds after its first page
 * (retention deleted what was about to be read), are counted as missed ({@code DISCONNECT} closes the subscription,
 * so the client resumes again).
 *
 * <p>Thread-safety: created by the dispatcher before the subscription's registration is published (a volatile store),
 * then read and advanced only by the subscription's single consumer. Each page of the log is handed over by the
 * replay thread through {@link #logPage}: plain stores of the page, its completeness and the reader for the next page,
 * then a volatile store of {@code logPending = false}; the consumer reads {@code logPending} first, and sets it back
 * to {@code true} before it asks the engine for the next page. The reader for the next page is taken with an atomic
 * swap by whichever comes first of the consumer (to read on) and {@link #release} (the subscription closed), so it is
 * closed exactly once.
 */
final class ReplayCursor
{
    private static final VarHandle MORE;

    static
    {
        try
        {
            MORE = MethodHandles.lookup().findVarHandle(ReplayCursor.class, "more", EventLog.Reader.class);
        }
        catch (final ReflectiveOperationException e)
        {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Subscriber subscriber;
    /** Closes a reader nobody will read on (on the replay thread: {@link LogReplays#closeReader}). */
    private final Consumer<EventLog.Reader> readerCloser;
    private final long end;
    private long next;
    private boolean active = true;
    private volatile boolean logPending;
    private List<Event> log;
    private boolean logComplete;
    /** The log's reader for the page after {@link #log}; swapped out atomically (see the class comment). */
    @SuppressWarnings("unused") // accessed through MORE
    private volatile EventLog.Reader more;
    private int logIndex;
    private boolean holeCounted;

    ReplayCursor(final Subscriber subscriber, final ResumePlan plan)
    {
        this(subscriber, plan, reader -> subscriber.engine.logReplays().closeReader(reader));
    }

    ReplayCursor(final Subscriber subscriber, final ResumePlan plan, final Consumer<EventLog.Reader> readerCloser)
    {
        this.subscriber = subscriber;
        this.readerCloser = readerCloser;
        this.next = plan.replayFrom();
        this.end = plan.liveFrom();
        this.logPending = plan.fromLog();
    }

    /** @return {@code true} while a page of the durable log has been asked for and has not arrived (volatile read). */
    boolean isLogPending()
    {
        return logPending;
    }

    /** @return {@code true} while the replay has events (or the log's answer) still to come. */
    boolean isActive()
    {
        return active;
    }

    /**
     * Replay thread: a page of the durable log is ready.
     *
     * @param events   the page, in id order.
     * @param complete {@code false} when the log found events of the range missing.
     * @param reader   the reader of the next page, or {@code null} when this was the last.
     */
    void logPage(final List<Event> events, final boolean complete, final EventLog.Reader reader)
    {
        log = events;
        logComplete = complete;
        MORE.setVolatile(this, reader);
        logPending = false;
        if (reader != null && subscriber.isClosed())
        {
            release(); // closed meanwhile: nobody will ask for the next page
        }
    }

    /** Any thread: the subscription is closed; closes the log's reader unless a read is under way or done. */
    void release()
    {
        final EventLog.Reader reader = (EventLog.Reader)MORE.getAndSet(this, null);
        if (reader != null)
        {
            readerCloser.accept(reader);
        }
    }

    /** Consumer: hands up to {@code limit} replayed events over, reading history events through {@code reads}. */
    int drain(final EventHandler handler, final int limit, final History history, final EventReads reads)
    {
        if (logPending)
        {
            return 0;
        }
        int n = 0;
        final List<Event> log = this.log;
        if (log != null)
        {
            while (n < limit && logIndex < log.size())
            {
                final Event e = log.get(logIndex++);
                if (subscriber.accepts(e))
                {
                    handler.onEvent(e);
                    subscriber.countReplayed();
                    n++;
                }
            }
            if (logIndex < log.size())
            {
                return n;
            }
            this.log = null;
            logIndex = 0;
            if (!logComplete && !holeCounted && subscriber.resumeOutcome() == ResumeOutcome.EXACT)
            {
                // a hole found after the first page, whose outcome was already told: a miss
                holeCounted = true;
                subscriber.countReplayMissed(1);
                if (subscriber.policy == SlowConsumerPolicy.DISCONNECT)
                {
                    active = false;
                    subscriber.close(CloseReason.SLOW_CONSUMER);
                    return n;
                }
            }
            final EventLog.Reader reader = (EventLog.Reader)MORE.getAndSet(this, null);
            if (reader != null)
            {
                logPending = true;
                subscriber.engine.logReplays().readNextPage(subscriber, reader);
                return n;
            }
        }
        while (n < limit && next <= end)
        {
            final Event view = reads.read(history, next);
            if (view == null)
            {
                final long resumeAt = Math.min(history.resumeTail(), end + 1);
                subscriber.countReplayMissed(Math.max(1, resumeAt - next));
                if (subscriber.policy == SlowConsumerPolicy.DISCONNECT)
                {
                    active = false;
                    subscriber.close(CloseReason.SLOW_CONSUMER);
                    return n;
                }
                next = Math.max(resumeAt, next + 1);
                continue;
            }
            next++;
            if (subscriber.accepts(view))
            {
                handler.onEvent(view);
                subscriber.countReplayed();
                n++;
            }
        }
        if (next > end)
        {
            active = false;
        }
        return n;
    }
}

package io.ringcast.engine;

import java.util.List;

/**
 * A resuming subscription's way through its replay: first the events the durable log returned (when the
 * {@link ResumePlan} asked it), then the history range {@code [next, end]} up to where live delivery took over; then it
 * is done and the subscription reads its queue. Events the history evicted before the replay reached them are counted
 * as missed ({@code DISCONNECT} closes the subscription, so the client resumes again).
 *
 * <p>Thread-safety: created by the dispatcher before the subscription's registration is published (a volatile store),
 * then read and advanced only by the subscription's single consumer. The log's part is handed over by the replay
 * thread through {@link #logDone} (volatile stores of the list, then of the pending flag; the consumer reads the flag
 * first).
 */
final class ReplayCursor
{
    private final Subscriber subscriber;
    private final long end;
    private long next;
    private boolean active = true;
    private volatile boolean logPending;
    private volatile List<Event> log;
    private int logIndex;

    ReplayCursor(final Subscriber subscriber, final ResumePlan plan)
    {
        this.subscriber = subscriber;
        this.next = plan.replayFrom();
        this.end = plan.liveFrom();
        this.logPending = plan.fromLog();
    }

    /** @return {@code true} while the replay has events (or the log's answer) still to come. */
    boolean isActive()
    {
        return active;
    }

    /** Replay thread: the durable log's part is ready. */
    void logDone(final List<Event> events)
    {
        log = events;
        logPending = false;
    }

    /** Consumer: hands up to {@code limit} replayed events over, copying history events into {@code view}. */
    int drain(final EventHandler handler, final int limit, final History history, final Event view)
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
        }
        while (n < limit && next <= end)
        {
            if (!history.copy(next, view))
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

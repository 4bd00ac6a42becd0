package io.ringcast.engine;

import java.util.function.Consumer;
import java.util.function.Predicate;

/**
 * A durable log that serves resumes older than the engine's in-memory history (for example the PostgreSQL outbox).
 * The engine calls it on its replay thread, never on the dispatcher or a publisher.
 *
 * <p>A log that can seek implements {@link #reader}: the engine then reads a resume page by page as the subscriber
 * takes it, so a resume of any length is served exactly with memory bounded by one page per resuming subscriber.
 * A log that cannot gives the whole range through {@link #replay}, of which the engine keeps at most
 * {@link EngineConfig#maxLogReplayEvents()} events (beyond them the resume reports a gap).
 */
public interface EventLog
{
    /** How a {@link Reader#read} ended. */
    enum Page
    {
        /** The sink asked to stop: read again for the events after the last one delivered. */
        MORE,
        /** Every event of the range was delivered (see {@link Reader#complete} for holes). */
        END
    }

    /**
     * One resume's way through the log, read page by page on the engine's replay thread (one read at a time).
     * {@link #close} is called on the same thread when the range is read, the subscriber is gone or a read failed.
     */
    interface Reader extends AutoCloseable
    {
        /**
         * Delivers the next events of the range in id order; every event given to {@code sink} is taken, and
         * {@code sink} returns {@code false} when that event filled the page.
         *
         * @return {@link Page#MORE} when the sink stopped the read, {@link Page#END} when the range is exhausted.
         * @throws Exception when the log cannot be read; the engine then ends the replay as incomplete.
         */
        Page read(Predicate<Event> sink) throws Exception;

        /**
         * @return {@code false} once the reader found that events of the range are missing (lost to retention,
         *         unreadable): the resume is then not exact.
         */
        boolean complete();

        @Override
        default void close() throws Exception
        {
        }
    }

    /**
     * Opens a page-by-page reader of the events with {@code afterId < id < beforeId}.
     *
     * @return the reader, or {@code null} (the default) when this log can only {@link #replay} a whole range.
     * @throws Exception when the log cannot be read; the subscriber is then told {@link ResumeOutcome#GAP}.
     */
    default Reader reader(final long afterId, final long beforeId) throws Exception
    {
        return null;
    }

    /**
     * Streams the events with {@code afterId < id < beforeId}, in id order, into {@code sink}.
     * Use {@link #restore} to build the events.
     *
     * @param afterId  the id the subscriber has already seen.
     * @param beforeId the first id the engine still holds in memory; the log need not deliver it or anything later.
     * @param sink     receives the events.
     * @return {@code true} when the log covered the whole range (no event after {@code afterId} was lost to
     *         retention); {@code false} when it could not, in which case the subscriber is told {@link ResumeOutcome#GAP}.
     * @throws Exception when the log cannot be read; the subscriber is then told {@link ResumeOutcome#GAP}.
     */
    boolean replay(long afterId, long beforeId, Consumer<Event> sink) throws Exception;

    /**
     * Rebuilds an event read back from the log, for {@link #replay}'s sink. Not for publishing.
     *
     * @param id             the id the event was given when first published.
     * @param timestampMs    its original timestamp.
     * @param message        its fields.
     * @param origin         the node it was first published on.
     * @param originSequence its id on that node.
     * @return the event, detached from any engine storage (immutable, may be kept).
     */
    static Event restore(
        final long id, final long timestampMs, final Message message, final String origin, final long originSequence)
    {
        return Event.restore(id, timestampMs, message, origin, originSequence);
    }
}

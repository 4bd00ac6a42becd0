package io.ringcast.engine;

import java.util.function.Consumer;

/**
 * A durable log that serves resumes older than the engine's in-memory history (for example the PostgreSQL outbox).
 * The engine calls it on its replay thread, never on the dispatcher or a publisher.
 */
public interface EventLog
{
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

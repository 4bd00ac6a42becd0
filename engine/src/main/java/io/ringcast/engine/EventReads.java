package io.ringcast.engine;

/**
 * How a drain reads the event at a queued ring position: through a subscription's own view ({@link OwnView}) or an
 * {@link EventReader}'s table of copies ({@link ReadCache}).
 *
 * <p>Thread-safety: confined to the thread that drains through it.
 */
abstract class EventReads
{
    /**
     * @return a view of the stored event at ring {@code position}, or {@code null} when it left the history (or was
     *         withdrawn) before this read: the caller counts a drop.
     */
    abstract Event read(History history, long position);

    /**
     * @param limit the most events the drain takes.
     * @param queue the queue it drains, for how many events are waiting there.
     * @return what to read the drain through: this, unless a deep batch is better served.
     */
    EventReads forBatch(final int limit, final PositionQueue queue)
    {
        return this;
    }
}

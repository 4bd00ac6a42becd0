package io.ringcast.engine;

/**
 * A ring stage that observes every event after history and before dispatch, on the dispatcher thread, for example to
 * hand this node's events to a replication writer. Must never block the ring: hand work to another thread through a
 * bounded queue and count what does not fit.
 *
 * <p>The event is the stored one, in its ring slot: valid during the call only. A stage that hands it to another
 * thread hands {@link Event#copy()} (which allocates), or the fields it needs.
 */
public interface EventStage
{
    /**
     * @param event      the event.
     * @param endOfBatch {@code true} for the last event of the batch the dispatcher is processing: the moment to
     *                   flush or signal a writer.
     */
    void onEvent(Event event, boolean endOfBatch);

    /** Called on the dispatcher thread when the engine stops. */
    default void onShutdown()
    {
    }
}

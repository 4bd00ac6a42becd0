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

    /**
     * Called on the dispatcher thread in a duty cycle that found no event (the ring is drained, the dispatcher is
     * about to wait): a stage that holds work back across batches, to hand it on in bigger pieces, hands it on here,
     * so nothing waits for the next event. Called often while the engine is idle: must be cheap when there is nothing
     * to do, and must never block.
     */
    default void onIdle()
    {
    }

    /** Called on the dispatcher thread when the engine stops. */
    default void onShutdown()
    {
    }
}

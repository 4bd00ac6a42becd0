package io.ringcast.engine.spi;

import io.ringcast.engine.Message;

/**
 * The narrow view of an engine a {@link Replication} gets: it publishes events another replica published first, to
 * local subscribers only (enrichers, history and dispatch see them; {@link io.ringcast.engine.EventStage}s recognise
 * them by {@link io.ringcast.engine.Event#isLocal()} {@code == false} and must not relay them again), and tells the
 * engine's identity. Obtained from {@link io.ringcast.engine.Engine#replicaPublisher()} by the code that composes the
 * server.
 *
 * <p>Thread-safety: every method is safe from any thread; {@link #tryPublish} never blocks. Under
 * {@link io.ringcast.engine.ProducerMode#SINGLE} the relay's thread counts as a publisher.
 */
public interface ReplicaPublisher
{
    /**
     * @param message        the event.
     * @param origin         the node id it was first published on.
     * @param originSequence its id on that node.
     * @param timestampMs    its original timestamp.
     * @return its local id, or {@link io.ringcast.engine.Engine#RING_FULL} / {@link io.ringcast.engine.Engine#CLOSED}.
     * @throws io.ringcast.engine.InvalidEventException when {@code message} is null or {@code origin} is empty.
     */
    long tryPublish(Message message, String origin, long originSequence, long timestampMs);

    /** @return the engine's node id. */
    String nodeId();

    /** @return the id the engine's first event gets (lower ids come from earlier runs). */
    long firstId();
}

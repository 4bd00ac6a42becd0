package io.ringcast.engine.spi;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;
import io.ringcast.engine.Filter;
import io.ringcast.engine.SubscribeOptions;

/**
 * Cross-replica fan-out attached to one engine. Life cycle, in this order, all from the thread that composes the
 * server: {@link #useJournal} (when the node keeps a local journal), {@link #configure} (before
 * {@link Engine#start}), {@link #start} (after), {@link #close} (before the engine
 * closes). {@link #health()} and {@link #metrics} may be called from any thread at any time and must not block.
 * {@link #resume} may be called from any thread (not an event loop: it may block) after {@link #start}.
 */
public interface Replication extends AutoCloseable
{
    /**
     * Hands the replication the node's local journal before {@link #configure}: a replication that writes this node's
     * events to a shared store then reads them from the journal (from its own committed position) instead of holding
     * them in memory, so an outage of that store plus a restart of the node loses nothing. The default ignores it.
     *
     * @param journal the opened journal; it outlives the replication (closed after it).
     */
    default void useJournal(final DurableStore journal)
    {
    }

    /**
     * @return how far this node's events are stored by the replication (for example committed to a shared outbox),
     *         so {@code ack=durable} can wait for it; {@code null} when the replication stores nothing durably (the
     *         default). Valid after {@link #start}.
     */
    default Durability durability()
    {
        return null;
    }

    /**
     * Adds this replication's ring stages (the writer of local events) and its durable
     * {@link io.ringcast.engine.EventLog} to the engine configuration.
     *
     * @param config the configuration of the engine about to start.
     */
    void configure(EngineConfig config);

    /**
     * Starts relaying: events other replicas wrote are published to local subscribers through {@code publisher},
     * never back to the other replicas.
     *
     * @param publisher the started engine's {@link Engine#replicaPublisher()}.
     */
    void start(ReplicaPublisher publisher);

    /**
     * Opens a subscription that resumes from a position this replication printed as an event id (see
     * {@link io.ringcast.engine.EventIdFormatter}), possibly on another replica, and delivers every matching event
     * the client has not seen exactly once. Returns once the live subscription is registered: every event published
     * after the return is delivered. May block (durable storage); never call it on an event loop.
     *
     * @param engine      this node's started engine.
     * @param filter      which events.
     * @param options     queue, policy, audience and listener (its {@code onAvailable}/{@code onClosed} drive the
     *                    returned stream); {@code resumeAfter} must not be set.
     * @param lastEventId the client's last id, not a plain decimal local id.
     * @return the stream, or {@code null} when this replication does not resume from ids (the default).
     * @throws IllegalArgumentException naming what is wrong with {@code lastEventId}.
     * @throws Exception                when the position cannot be served now (storage down); nothing stays
     *                                  subscribed.
     */
    default ResumedStream resume(
        final Engine engine, final Filter filter, final SubscribeOptions options, final String lastEventId)
        throws Exception
    {
        return null;
    }

    /** @return current health; never blocks. */
    ReplicationHealth health();

    /** @param sink receives this replication's figures; never blocks. */
    void metrics(MetricSink sink);

    /** Stops relaying and releases connections and threads. Idempotent. */
    @Override
    void close();
}

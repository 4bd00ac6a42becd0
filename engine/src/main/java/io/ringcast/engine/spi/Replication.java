package io.ringcast.engine.spi;

import io.ringcast.engine.Engine;
import io.ringcast.engine.EngineConfig;

/**
 * Cross-replica fan-out attached to one engine. Life cycle, in this order, all from the thread that composes the
 * server: {@link #configure} (before {@link Engine#start}), {@link #start} (after), {@link #close} (before the engine
 * closes). {@link #health()} and {@link #metrics} may be called from any thread at any time and must not block.
 */
public interface Replication extends AutoCloseable
{
    /**
     * Adds this replication's ring stages (the writer of local events) and its durable
     * {@link io.ringcast.engine.EventLog} to the engine configuration.
     *
     * @param config the configuration of the engine about to start.
     */
    void configure(EngineConfig config);

    /**
     * Starts relaying: events other replicas wrote are published into {@code engine} through
     * {@link Engine#tryPublishFromReplica}, never back to the other replicas.
     *
     * @param engine the started engine.
     */
    void start(Engine engine);

    /** @return current health; never blocks. */
    ReplicationHealth health();

    /** @param sink receives this replication's figures; never blocks. */
    void metrics(MetricSink sink);

    /** Stops relaying and releases connections and threads. Idempotent. */
    @Override
    void close();
}

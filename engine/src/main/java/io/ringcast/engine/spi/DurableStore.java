package io.ringcast.engine.spi;

import io.ringcast.engine.EngineConfig;

import java.io.IOException;
import java.util.Set;

/**
 * Events on this node's local disk (the journal): what a transport needs from it, without depending on its module.
 * It appends every event the engine dispatches ({@link #configure} adds its stage and event log), confirms durability
 * ({@link Durability}: synced to the device, group commit), says whether it can write (a transport refuses publishes
 * while it cannot), keeps named consumers with a durable position, and lets another module read it from a position
 * ({@link #tail}) — the PostgreSQL relay copies this node's events to its outbox that way.
 *
 * <p>Life cycle, from the composing thread: opened by a {@link DurableStoreProvider}, {@link #configure} before the
 * engine starts, {@link #close} after the engine closed. Every other method from any thread, never blocking unless it
 * says so.
 */
public interface DurableStore extends Durability, AutoCloseable
{
    /** Adds the store's stage and event log to {@code engine}, and makes the engine's ids continue after its own. */
    void configure(EngineConfig engine);

    /** @return {@code false} while the store cannot write (disk full, I/O error); it recovers by itself. */
    boolean writable();

    /** @return the newest event id the store had when it opened, or -1 when it was empty. */
    long recoveredLastId();

    /** @return the configured consumer named {@code name}, or {@code null}. */
    NamedConsumer consumer(String name);

    /** @return the names of the configured consumers. */
    Set<String> consumerNames();

    /**
     * Opens a reader positioned after event {@code afterId} (-1: at the oldest event held). When retention already
     * deleted events after {@code afterId}, the reader starts at the oldest event held and counts one gap.
     *
     * @param localOnly deliver only the events published on this node (relayed ones are stepped over, not decoded).
     * @throws IOException when the segments cannot be read.
     */
    JournalTail tail(long afterId, boolean localOnly) throws IOException;

    /**
     * Opens a reader positioned at the first event whose timestamp is at or after {@code epochMs}.
     *
     * @param localOnly deliver only the events published on this node.
     * @throws IOException when the segments cannot be read.
     */
    JournalTail tailFromTime(long epochMs, boolean localOnly) throws IOException;

    /** @param sink receives the store's figures; never blocks. */
    void metrics(MetricSink sink);

    /** Drains what the engine handed over, syncs and stops. Call after the engine closed. Idempotent. */
    @Override
    void close();
}

package io.ringcast.engine.spi;

import java.io.IOException;

/**
 * A named durable consumer of a {@link DurableStore}, as a transport sees it: where a stream for it starts, and an
 * explicit commit of its position (at-least-once). Its seek (beginning, latest, after an id, from a time) is
 * configured when the store opens it.
 *
 * <p>Thread-safety: {@link #name()} and {@link #startAfterId()} from any thread; {@link #commit} from one thread at
 * a time (it replaces and syncs a file: never on an event loop).
 */
public interface NamedConsumer
{
    /** @return the consumer's name, {@code [a-z0-9_]{1,48}}. */
    String name();

    /** @return the id a stream for this consumer resumes after: its committed id, or where its seek put it. */
    long startAfterId();

    /**
     * Stores {@code id} as the consumer's position, durably.
     *
     * @throws IllegalArgumentException when the store does not hold {@code id} (not an id of this node, or older
     *                                  than its retention).
     * @throws IOException              when the position cannot be stored.
     */
    void commit(long id) throws IOException;
}

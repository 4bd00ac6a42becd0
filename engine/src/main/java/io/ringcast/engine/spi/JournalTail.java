package io.ringcast.engine.spi;

import io.ringcast.engine.Event;

import java.io.IOException;
import java.util.function.Consumer;

/**
 * A reader of this node's local journal from a position of its own, kept in memory (the reader stores where it got
 * elsewhere, for example in the outbox it copies the journal to). It reads only what the journal has written, in id
 * order, and nothing twice.
 *
 * <p>Thread-safety: one thread at a time.
 */
public interface JournalTail extends AutoCloseable
{
    /**
     * Delivers up to {@code max} events after the current position into {@code sink}: detached copies the sink may
     * keep, as {@link io.ringcast.engine.EventLog#restore} builds them. This node's events and events relayed from other
     * nodes alike: {@link Event#origin()} tells them apart (this node's have its node id as origin and their id as
     * {@link Event#originSequence()}).
     *
     * @return events delivered; 0 when it has read everything written so far.
     * @throws IOException when a segment cannot be read.
     */
    int poll(Consumer<Event> sink, int max) throws IOException;

    /**
     * @return times the reader had to skip events it had not read (retention deleted them, or a segment was
     *         unreadable); after a skip it goes on at the oldest event still held.
     */
    long gaps();

    /** Releases the open file. */
    @Override
    void close();
}

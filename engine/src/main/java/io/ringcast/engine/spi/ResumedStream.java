package io.ringcast.engine.spi;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventHandler;

/**
 * A subscription resumed from a replication-level position ({@link Replication#resume}): what the client had not
 * seen (possibly replayed from durable storage), then the live stream, each event exactly once.
 *
 * <p>Ids: while the stream is catching up, the id to send with a delivered event is {@link #position()} (this
 * client's own position, which may be ahead of the node's stamp for some origins). Once {@link #caughtUp()} is
 * {@code true} it stays {@code true}, and the event just delivered and every later one may be sent with its own
 * {@link Event#idString()}, so a transport can go back to the shared, encode-once frames.
 *
 * <pre>{@code
 * int n = stream.drain(e -> send(stream.caughtUp() ? e.idString() : stream.position(), e), 256);
 * }</pre>
 *
 * <p>Threads: {@link #drain}, {@link #position()} and {@link #caughtUp()} from one consumer thread at a time, like
 * {@link io.ringcast.engine.Subscription#drain}; {@link #exact()} and {@link #close()} from any thread.
 */
public interface ResumedStream extends AutoCloseable
{
    /**
     * Delivers up to {@code limit} events the client has not seen. When it returns less than {@code limit}, the
     * listener given in the subscribe options is armed again and is called when there is more.
     *
     * @return events consumed (delivered, or skipped as already seen).
     */
    int drain(EventHandler handler, int limit);

    /** @return {@code false} when events may be missing (the transport tells the client to reset). Fixed at open. */
    boolean exact();

    /** @return {@code true} once the events' own ids include everything this client has seen; never reverts. */
    boolean caughtUp();

    /**
     * @return the printable position including every event delivered so far: the id to send while not
     *         {@link #caughtUp()}; afterwards it is the last delivered event's own {@link Event#idString()}.
     */
    String position();

    /** Ends the underlying subscription. Idempotent. */
    @Override
    void close();
}

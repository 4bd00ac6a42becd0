package io.ringcast.bench.peer;

import io.ringcast.engine.Event;

/**
 * Reads each event's id and payload length and writes nothing: with {@link BenchFollower}, what the follower mechanism
 * alone costs the engine. Thread-safety: the follower's thread only.
 */
final class NullSink implements BenchFollower.Sink
{
    /** Keeps the reads from being optimised away; read by nobody. */
    long checksum;

    @Override
    public void write(final Event event)
    {
        checksum += event.id() + event.payloadLength();
    }

    @Override
    public String toString()
    {
        return "nothing written";
    }
}

package io.ringcast.relay.pg;

import io.ringcast.engine.Event;

import java.util.Map;
import java.util.TreeMap;

/**
 * The position of one resumed client: per origin, the highest sequence it has seen, plus the vector's {@code t}. An
 * event is {@linkplain #admit admitted} only when it is newer in its origin than the position, which then advances;
 * since every source a resume draws from (outbox replay, in-memory history, live stream) is in each origin's order,
 * this drops exactly the events the client has seen and the overlap between sources.
 *
 * <p>Once an admitted event's own stamp (a vector by log position) has every origin of the position at or beyond it,
 * that stamp is the client's exact position, and so is every later stamp of this node: {@link #caughtUp()} turns
 * {@code true} and never back (see {@link ReplicaResume}).
 *
 * <p>Not thread-safe: the consumer thread of the resumed stream only.
 */
final class ClientPosition
{
    private final TreeMap<String, Long> position;
    private final long sinceMs;
    private boolean caughtUp;

    ClientPosition(final ResumeVector from)
    {
        this.position = new TreeMap<>(from.positions());
        this.sinceMs = from.sinceMs();
    }

    /**
     * @param e            an event from one of the resume's sources.
     * @param mayCatchUp   {@code true} when {@code e} comes from the live stream and nothing older is left to send.
     * @return {@code true} when the client has not seen {@code e}: deliver it.
     */
    boolean admit(final Event e, final boolean mayCatchUp)
    {
        final Long seen = position.get(e.origin());
        if (seen != null && e.originSequence() <= seen)
        {
            return false;
        }
        position.put(e.origin(), e.originSequence());
        if (mayCatchUp && e.hasFormattedId() && ResumeVector.covers(e.idString(), position))
        {
            caughtUp = true;
        }
        return true;
    }

    boolean caughtUp()
    {
        return caughtUp;
    }

    /** @return the highest sequence seen from {@code origin}, or {@code -1}. */
    long seen(final String origin)
    {
        final Long v = position.get(origin);
        return v == null ? -1 : v;
    }

    /**
     * @return the client's position as its next SSE id: once {@link #caughtUp()}, the last delivered event's own
     *         stamp; before, the printable vector.
     */
    String print(final LastDelivered last)
    {
        return caughtUp ? last.print() : print();
    }

    /** @return the printable vector (no stamp suffix). */
    String print()
    {
        final StringBuilder b = new StringBuilder("t=").append(sinceMs);
        for (final Map.Entry<String, Long> p : position.entrySet())
        {
            b.append(',').append(p.getKey()).append('=').append(p.getValue());
        }
        return b.toString();
    }
}

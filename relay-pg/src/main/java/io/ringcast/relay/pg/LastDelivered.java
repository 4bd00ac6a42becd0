package io.ringcast.relay.pg;

import io.ringcast.engine.Event;
import io.ringcast.engine.EventIds;

/**
 * The last event a resumed stream delivered, kept as what its SSE id is: the event's own stamp when it has one,
 * else its decimal id. Recording keeps a reference to the stamp the dispatcher already made; nothing is built per
 * event.
 *
 * <p>Not thread-safe: the consumer thread of the resumed stream only.
 */
final class LastDelivered
{
    private long id = -1;
    private String formattedId;

    void record(final Event e)
    {
        id = e.id();
        formattedId = e.hasFormattedId() ? e.idString() : null;
    }

    /** @return {@code true} once an event was recorded. */
    boolean any()
    {
        return id >= 0;
    }

    /** @return the recorded event's id as sent on the wire. */
    String print()
    {
        return formattedId != null ? formattedId : EventIds.format(id);
    }
}
